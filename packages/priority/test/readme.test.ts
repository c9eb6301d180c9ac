import { readmeExampleTests } from '../../../scripts/readme-example-tests.js';

readmeExampleTests(import.meta.url);
