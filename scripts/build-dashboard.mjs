#!/usr/bin/env node
// Bundles the dashboard page (src/dashboard/app/) with esbuild and writes its three files into the
// package's static folder: dist/static/index.html, dist/static/assets/dashboard.js and
// dist/static/assets/dashboard.css, which the service serves through Workers Static Assets. Run by
// `npm run build`, by the test configs and by `npm run demo`.
//
//   node scripts/build-dashboard.mjs
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { ROOT, STATIC_DIR, writeStatic } from './lib/static-dir.mjs';

const app = `${ROOT}src/dashboard/app/`;

/** The dashboard's files, by path below the static folder, built from the current sources. */
export function dashboardFiles() {
  // uPlot's MIT notice, which minifying drops
  const uplot = JSON.parse(readFileSync(`${ROOT}node_modules/uplot/package.json`, 'utf8'));
  const js = buildSync({
    banner: { js: `/*! uPlot ${uplot.version} (c) Leon Sorokin, MIT License, ${uplot.homepage} */` },
    entryPoints: [`${app}main.ts`],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    tsconfig: `${app}tsconfig.json`,
    write: false,
    logLevel: 'silent',
  }).outputFiles[0].text;
  // bundled: styles.css imports uPlot's stylesheet from node_modules
  const css = buildSync({ entryPoints: [`${app}styles.css`], bundle: true, minify: true, write: false, logLevel: 'silent' }).outputFiles[0].text;
  const html = readFileSync(`${app}index.html`, 'utf8').replace(/>\s+</g, '><').trim();
  return { 'index.html': html, 'assets/dashboard.js': js, 'assets/dashboard.css': css };
}

/**
 * Writes the dashboard's files into the static folder.
 * @returns the absolute paths written
 */
export function buildDashboard() {
  return Object.entries(dashboardFiles()).map(([path, text]) => writeStatic(path, text));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildDashboard();
  console.log(`wrote the dashboard into ${STATIC_DIR}/`);
}
