/** The dashboard's files (index.html, assets/dashboard.js, assets/dashboard.css), by path below dist/static/, built from the sources. */
export declare function dashboardFiles(): Record<string, string>;
/** Writes the dashboard's files into dist/static/; returns the absolute paths written. */
export declare function buildDashboard(): string[];
