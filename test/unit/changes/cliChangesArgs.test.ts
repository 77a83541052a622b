import * as assert from 'node:assert/strict';
import { UsageError, parseCliArgs, type ReviewCommand } from '../../../src/cli/cliArgs';
import { parseChangeSpec } from '../../../src/node/git';

const review = (...args: string[]) => parseCliArgs(['review', ...args]) as ReviewCommand;

describe('CLI arguments for Review Changes', () => {
  it('--changes alone means uncommitted; a value names staged or a ref', () => {
    assert.equal(review('--changes').changes, 'uncommitted');
    assert.equal(review('--changes', '--format', 'json').changes, 'uncommitted');
    assert.equal(review('--changes', '--format', 'json').format, 'json');
    assert.equal(review('--changes', 'staged').changes, 'staged');
    assert.equal(review('--changes=main', '--repo', '../svc').changes, 'main');
    assert.equal(review('--changes=main', '--repo', '../svc').repo, '../svc');
    assert.equal(review('--changes', 'main', '--context-tokens', '0').contextTokens, 0);
    assert.equal(review('a.ts').changes, undefined);
    assert.equal(review('a.ts', '--context-tokens', '2500').contextTokens, 2500);
  });

  it('refuses a file together with --changes, --repo without it, and a bad token budget', () => {
    assert.throws(() => review('a.ts', '--changes'), UsageError);
    assert.throws(() => review('a.ts', '--repo', '.'), UsageError);
    assert.throws(() => review('--changes', '--context-tokens', 'lots'), UsageError);
  });

  it('reads the change spec', () => {
    assert.deepEqual(parseChangeSpec('uncommitted'), { kind: 'uncommitted' });
    assert.deepEqual(parseChangeSpec('staged'), { kind: 'staged' });
    assert.deepEqual(parseChangeSpec('origin/main'), { kind: 'ref', ref: 'origin/main' });
  });
});
