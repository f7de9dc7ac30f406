/**
 * The `measureplan` command line: finds the command, gives it its arguments, and turns a
 * usage mistake into a message with a hint and exit code 2. Exit codes: 0 success, 1 the plan
 * has problems (or init would overwrite a file), 2 usage error, 3 an unexpected failure (a bug).
 */
import { codegen, codegenHelp } from './codegen';
import { collect, collectHelp } from './collect';
import { exportCommand, exportHelp } from './export';
import { forgetCommand, forgetHelp } from './forget';
import { retainCommand, retainHelp } from './retain';
import { offline, offlineHelp } from './offline';
import { report, reportHelp } from './report-command';
import { docs, docsHelp } from './docs';
import { init, initHelp } from './init';
import { UsageError, type IO, type Output } from './io';
import { version } from './package';
import { schema, schemaHelp } from './schema';
import { StoreError } from '../server/sqlite';
import { validate, validateHelp } from './validate';
import { closest } from './words';

interface Command {
  summary: string;
  help: string;
  run(argv: string[], io: IO): number | Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  validate: { summary: 'check plans; every problem with line, column, path and a hint', help: validateHelp, run: validate },
  codegen: { summary: 'write a typed TypeScript module from a plan (definePlan)', help: codegenHelp, run: codegen },
  docs: { summary: 'write the plan as a document for people (Markdown or HTML)', help: docsHelp, run: docs },
  schema: { summary: "print the plan's JSON Schema", help: schemaHelp, run: schema },
  init: { summary: 'write a starter plan, or draft one from the tags a site already has (--from)', help: initHelp, run: init },
  collect: { summary: 'run the first-party endpoint with its embedded store (SQLite)', help: collectHelp, run: collect },
  report: { summary: "answer the plan's questions from the store (text, md, html, json)", help: reportHelp, run: report },
  offline: { summary: "turn phone and offline orders into the ad platforms' upload files", help: offlineHelp, run: offline },
  forget: { summary: 'erase one person from the store (an erasure request)', help: forgetHelp, run: forgetCommand },
  export: { summary: "write what the store holds about one person (an access request)", help: exportHelp, run: exportCommand },
  retain: { summary: 'keep the last N days in the store, delete everything older', help: retainHelp, run: retainCommand },
};

const HELP = `measureplan: conversion tracking driven by a measurement plan

Usage: measureplan <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`).join('\n')}

Options:
  -h, --help      help (also: measureplan <command> --help)
  -v, --version   the installed version

Exit codes: 0 success, 1 the plan has problems (report, offline, forget, export and retain: or
the store cannot be read; forget: or the erasure is incomplete), 2 usage error; each command's --help has its own.

Examples:
  npx measureplan init --template webshop
  npx measureplan init --from https://shop.example/ --from thank-you.html
  npx measureplan validate plan.json
  npx measureplan codegen plan.json --out src/plan.gen.ts
  npx measureplan docs plan.json --out plan.html
  npx measureplan collect --plan plan.json --allow-origin https://shop.example`;

/**
 * Runs the command line with `argv` (the arguments after `measureplan`) and resolves to the
 * exit code. Never throws: every failure is written to `err`.
 */
export async function main(argv: string[], out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  const io: IO = { out, err };
  const [name, ...rest] = argv;
  try {
    if (name === undefined) { err.write(`${HELP}\n`); return 2; }
    if (name === '--help' || name === '-h' || name === 'help') {
      const topic = rest[0];
      if (topic === undefined) { out.write(`${HELP}\n`); return 0; }
      const command = COMMANDS[topic];
      if (!command) throw unknownCommand(topic);
      out.write(`${command.help}\n`);
      return 0;
    }
    if (name === '--version' || name === '-v') { out.write(`${version()}\n`); return 0; }
    if (name.startsWith('-')) throw new UsageError(`unknown option ${name}.`, 'Options come after the command: measureplan validate plan.json --format json. Run "measureplan --help" for the commands.');
    const command = COMMANDS[name];
    if (!command) throw unknownCommand(name);
    if (rest.includes('--help') || rest.includes('-h')) { out.write(`${command.help}\n`); return 0; }
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`measureplan: ${e.message}\n${e.hint ?? `Run "measureplan ${name && COMMANDS[name] ? `${name} ` : ''}--help" for the usage.`}\n`);
      return 2;
    }
    // A store that cannot be used (damaged, a full disk, busy), met after it opened: exit 1, in words.
    if (e instanceof StoreError) {
      err.write(`measureplan ${name}: ${e.message}\n${e.hint ? `${e.hint}\n` : ''}`);
      return 1;
    }
    err.write(`measureplan: unexpected failure, please report it: ${(e as Error)?.stack ?? String(e)}\n`);
    return 3;
  }
}

function unknownCommand(name: string): UsageError {
  const near = closest(name, Object.keys(COMMANDS));
  return new UsageError(`unknown command "${name}".`, `${near ? `Did you mean "${near}"? ` : ''}Commands: ${Object.keys(COMMANDS).join(', ')}. Run "measureplan --help".`);
}
