#!/usr/bin/env node
// Thin launcher: all logic lives in dist/cli; this file only hands over argv and sets the exit code.
import { main } from '../dist/cli/main.js';
main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
