// How a finding is named outside its job (panel messages, diagnostics, quick fixes): its index
// in the job's result, as "f<index>". Stated once here; everything else maps through it.

export function findingId(index: number): string {
  return `f${index}`;
}

/** The finding's index, or undefined for anything that is not a finding id. */
export function findingIndex(id: string): number | undefined {
  const m = /^f(\d{1,6})$/.exec(id);
  return m ? Number(m[1]) : undefined;
}
