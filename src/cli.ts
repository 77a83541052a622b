// The headless entry over the same core: `deep-review review <file>` and `deep-review cost`.
const USAGE = `Usage:
  deep-review review <file>[:<start>-<end>] [options]
  deep-review cost`;

function main(argv: string[]): number {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  process.stderr.write(`deep-review: '${argv[0]}' is not available in this build yet\n${USAGE}\n`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
