/** The IPC protocol of a worker: one spec in, one { ok, result | error } out, then exit. */
export function serve<Spec, Result>(work: (spec: Spec) => Promise<Result>): void {
  // The parent went away (crash, Ctrl-C): stop generating load at once.
  process.on('disconnect', () => process.exit(0));
  process.once('message', (spec: Spec) => {
    work(spec).then(
      (result) => process.send!({ ok: true, result }, () => process.exit(0)),
      (error: Error) =>
        process.send!({ ok: false, error: error.stack ?? String(error) }, () => process.exit(1)),
    );
  });
}
