//! The examples shown under each command's `--help` (clap's `after_help`): one place for the ways
//! people call vanban, kept apart from the options they illustrate.

/// Under `vanban --help`.
pub const MAIN: &str = "\
Examples:
  vanban ingest scans/ --out out/                  convert a folder; open out/index.html
  vanban ingest scans/ --out out/ --shard 2/8      this machine's eighth of the batch, then: vanban merge out/
  vanban extract van-ban.pdf                       the Decree 30 fields of one file as JSON
  vanban COMMAND --help                            each command's options and examples";

/// Under `vanban ingest --help`.
pub const INGEST: &str = "\
Examples:
  vanban ingest scans/ --out out/
      every PDF, TIFF, PNG, JPEG and .txt under scans/; outputs mirror the tree; open out/index.html
  vanban ingest scans/ --out out/ --formats pdf,md --jobs 2
      only the searchable PDF and Markdown beside the JSON, text and review page, on 2 cores
  vanban --lexicon names.txt ingest scans/ --out out/
      run again with the clerks' confirmed words: only the documents they change are redone
  find scans -name '*.pdf' -newer last-run | vanban ingest --files-from - --out out/
      the files named on standard input
  vanban ingest /shared/scans --out /shared/out --shard 3/8     (on 8 machines, K = 1..8)
  vanban ingest /shared/scans --out /shared/out --shard auto    (Kubernetes Indexed Job, Slurm array)
  vanban merge /shared/out
      join the shards into summary.json, documents.jsonl and index.html";

/// Under `vanban merge --help`.
pub const MERGE: &str = "\
Examples:
  vanban merge /shared/out
      after every `vanban ingest ... --out /shared/out --shard K/N` (K = 1..N) has finished";

/// Under `vanban ocr --help`.
pub const OCR: &str = "\
Examples:
  vanban ocr scan.pdf > scan.raw.txt
  vanban --lang vie+eng ocr page.png";

/// Under `vanban restore --help`.
pub const RESTORE: &str = "\
Examples:
  echo 'Chi sb cai cach hanh chinh' | vanban restore       prints: Chỉ số cải cách hành chính
  vanban restore old-ocr.txt > restored.txt
  vanban restore old-ocr.txt --json                         one JSON record per token";

/// Under `vanban extract --help`.
pub const EXTRACT: &str = "\
Examples:
  vanban extract quyet-dinh.pdf
  vanban extract restored.txt --tables
  cat scan.jpg | vanban extract -";

/// Under `vanban diff --help`.
pub const DIFF: &str = "\
Examples:
  vanban diff out/cong-van.json                 what the restorer changed in a converted document
  vanban diff old-ocr.txt --color never | less";

/// Under `vanban apply-review --help`.
pub const APPLY_REVIEW: &str = "\
Examples:
  vanban apply-review out/cong-van.review.json --lexicon names.txt";

/// Under `vanban eval --help`.
pub const EVAL: &str = "\
Examples:
  vanban eval                                    the restorer's accuracy table on fixtures/eval";

/// Under `vanban eval-docs --help`.
pub const EVAL_DOCS: &str = "\
Examples:
  vanban ingest ../shared/real/scans --out /tmp/real && vanban eval-docs /tmp/real ../shared/real/truth
  vanban eval-docs out/samples fixtures/truth --json";

/// Under `vanban bench --help`.
pub const BENCH: &str = "\
Examples:
  vanban bench                                   the fixture pages, 1 and all workers, against tesseract
  vanban bench ../shared/real/scans --jobs 1";

/// Under `vanban dict --help` and `vanban dict build --help`.
pub const DICT: &str = "\
Examples:
  vanban dict build                              dictionaries/data → dictionaries/vanban.dict";
