// LSP work-done progress reports absolute percentages; VS Code's progress API takes increments, and a report
// without a message keeps the last message shown. Pure, so it is unit-tested.

export interface LspProgress {
  message?: string;
  percentage?: number;
}

export interface VsCodeProgress {
  message?: string;
  increment?: number;
}

/** Returns a converter that remembers how far the notification's bar has gone. */
export function progressConverter(): (p: LspProgress) => VsCodeProgress | undefined {
  let done = 0;
  return (p) => {
    const update: VsCodeProgress = {};
    if (p.message) update.message = p.message;
    if (p.percentage !== undefined && p.percentage > done) {
      update.increment = Math.min(p.percentage, 100) - done;
      done = Math.min(p.percentage, 100);
    }
    return update.message !== undefined || update.increment !== undefined ? update : undefined;
  };
}
