// A mocha reporter: the usual spec output, plus the pass/fail counts written to the JSON file
// named by DEEP_REVIEW_TEST_RESULTS so test/run-all.mjs can sum every level.
const fs = require('node:fs');
const Mocha = require('mocha');

class CountingSpecReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env.DEEP_REVIEW_TEST_RESULTS;
      if (!file) return;
      const { passes, failures, pending } = runner.stats ?? this.stats;
      fs.writeFileSync(file, JSON.stringify({ passed: passes, failed: failures, skipped: pending }));
    });
  }
}

module.exports = CountingSpecReporter;
