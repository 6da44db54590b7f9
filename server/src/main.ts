// The one entry point: `npm start` (no arguments) serves; `fibrotrack <command>` runs the CLI.
// The only module that reads process.env.
import { runCli } from './cli/run-cli.js';

runCli(process.argv.slice(2), process.env).then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (err: Error) => {
    console.error(`fibrotrack: ${err.message}`);
    process.exit(1);
  },
);
