// The part of docs/reliability.md that is not a provider fault: many processes on one data
// folder, crashes, damaged files, untrusted usage. Each row names the test that checks it;
// test/unit/faultMatrix.test.ts appends this to the generated fault table.
export const STORAGE_AND_SPEND_NOTES = `## Many processes, crashes and damaged files

Several VS Code windows and CLI runs share one data folder. Every store is safe under that:
per-entry files for the analysis cache and the job history, append-only logs for the ledger and
the wait history, and a cross-process lock (proper-lockfile) for the few read-modify-write steps.
Each row is checked with real child processes on one data folder.

| Situation | What happens | Test |
|---|---|---|
| 2 CLI processes × the same 30 reviews at once | every review succeeds with exactly 30 provider requests (a question in flight in one process is waited for by the other); 60 job records; a re-run of all 30 makes 0 requests and the history holds all 90 jobs | \`test/unit/multiProcess.test.ts\` |
| 4 processes at once against a budget that allows one request | exactly one is sent: the budget check and the reservation are one locked step | \`test/unit/cli/cliMoney.test.ts\` |
| two engines ask the same question; one is cancelled while waiting; a killed process's claim | one provider call, the waiting job gets the other's answer (billed as a cache hit); a dead process's claim is taken over | \`test/unit/jobs/answerClaims.test.ts\` |
| kill -9 at 40 random moments of a busy engine | the next open reads everything without a warning; no temp file, lock or claim is left | \`test/unit/persistence.test.ts\` |
| kill -9 mid-stream | the request's reservation (its worst case, written before sending) still counts after the restart | \`test/unit/cli/cliMoney.test.ts\` |
| usage that is negative, fractional, non-numeric or beyond what the request could use | charged the request's worst case and marked *usage not trusted*; the budget still holds | \`test/unit/cli/cliMoney.test.ts\` |
| a 1 GB file in the data folder (job history, wait history, a cache entry, the ledger) | found by size before reading, moved aside and named in one warning; the rest keeps working | \`test/unit/persistence.test.ts\`, \`test/unit/cost/ledger.test.ts\` |
| read-only data folder | a cached review still answers (CLI exit 0); what could not be saved is said once | \`test/unit/readOnlyStore.test.ts\` |
| read-only or full disk (EROFS / ENOSPC on every write) | cached answers and history still show, a new question still runs; one warning per store | \`test/unit/readOnlyStore.test.ts\` |
| a 1 MB file reviewed 5 times | the data folder grows by under 3 MB beyond the cache entries (texts stored once, by hash) | \`test/unit/jobs/jobStore.test.ts\` |
| learned wait times move a cached question from the capable to the reasoning tier | the cached answer serves with no provider request, shown as answered by the capable tier | \`test/unit/cache/cacheTiers.test.ts\` |
`;
