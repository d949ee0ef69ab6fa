//! Re-runs and `--force` keep a clerk's review: after a document's outputs are written, the
//! decisions saved in `<stem>.review.json` are applied again to the new outputs; those that no
//! longer fit are kept in `<stem>.review.unapplied.json` and reported (the logic is
//! `vanban_review::reapply_after_run`; this is the pipeline's one call to it).

use std::path::Path;

/// Re-applies the saved review decisions of the document with output path `base` (no extension),
/// if any, reporting on stderr (through tracing) what was applied and what no longer fits. A
/// failure is reported and leaves the pipeline's outputs as they are.
pub fn reapply_review(base: &Path) {
    let files = vanban_review::DocFiles::new(base);
    match vanban_review::reapply_after_run(&files, None) {
        Ok(None) => {}
        Ok(Some(a)) => {
            tracing::info!(
                "{}: {} review decisions applied again",
                files.path("json").display(),
                a.decisions
            );
            if !a.unapplied.is_empty() {
                tracing::warn!(
                    "{}: {} review decisions no longer fit the new outputs; kept in {}",
                    files.path("review.json").display(),
                    a.unapplied.len(),
                    files.path("review.unapplied.json").display()
                );
            }
            for s in &a.skipped {
                tracing::warn!("{s}");
            }
        }
        Err(e) => tracing::warn!("review decisions not applied again: {e}"),
    }
}
