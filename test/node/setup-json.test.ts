import { formatSuite } from './support/format-suite.js';

formatSuite('json');
