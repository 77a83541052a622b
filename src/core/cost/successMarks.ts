// What the user said of each job: helpful, not helpful, or a fix applied. A job counts as
// successful when marked helpful or when one of its fixes was applied (cost per successful task);
// the user's own Helpful / Not helpful answer is kept apart (an applied fix is not one).
import type { OutcomeMark } from './ledgerLines';

interface Marks {
  helpful: boolean;
  fixApplied: boolean;
  feedback?: 'helpful' | 'notHelpful';
}

export class SuccessMarks {
  private readonly marks = new Map<string, Marks>();

  apply(jobId: string, mark: OutcomeMark): void {
    const marks = this.marks.get(jobId) ?? { helpful: false, fixApplied: false };
    if (mark === 'helpful') marks.helpful = true;
    else if (mark === 'fixApplied') marks.fixApplied = true;
    else marks.helpful = false;
    if (mark !== 'fixApplied') marks.feedback = mark;
    this.marks.set(jobId, marks);
  }

  isSuccessful(jobId: string): boolean {
    const marks = this.marks.get(jobId);
    return marks !== undefined && (marks.helpful || marks.fixApplied);
  }

  feedback(jobId: string): 'helpful' | 'notHelpful' | undefined {
    return this.marks.get(jobId)?.feedback;
  }

  /** From the ledger summary's [helpful, fixApplied] pairs. */
  restore(entries: Record<string, [boolean, boolean]>): void {
    for (const [jobId, [helpful, fixApplied]] of Object.entries(entries)) this.marks.set(jobId, { helpful, fixApplied });
  }

  /** For the ledger summary. */
  snapshot(): Record<string, [boolean, boolean]> {
    return Object.fromEntries([...this.marks].map(([id, m]) => [id, [m.helpful, m.fixApplied]]));
  }

  clear(): void {
    this.marks.clear();
  }
}
