/** The `measureplan` command line; bin/measureplan.js runs `main`. See docs/cli.md. */
export { main } from './main';
