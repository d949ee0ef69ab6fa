//! Tables as CSV for a Vietnamese Excel (`--csv-excel`, `<stem>.table-N.excel.csv`): UTF-8 with a
//! byte-order mark (without it Excel reads the bytes as the local code page and garbles the
//! diacritics) and `;` between fields (the list separator of Excel set to Vietnamese, where `,` is
//! the decimal comma). Same rows as `<stem>.table-N.csv`, with the same guard against formulas.

use vanban_doc::Table;

/// A field made safe: a cell Excel would take for a formula (`=`, `+`, `-`, `@` first) gets a `'`
/// unless it is a plain signed number; quoted when it holds `;`, `"` or a line break.
fn field(out: &mut String, cell: &str) {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let rest = cell.get(1..).unwrap_or("");
    let number = !rest.is_empty()
        && cell.starts_with(['+', '-'])
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ' '));
    let lone_sign = cell == "-" || cell == "+";
    let text = if risky && !number && !lone_sign {
        format!("'{cell}")
    } else {
        cell.to_string()
    };
    if text.contains([';', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&text);
    }
}

/// The table as Excel CSV bytes: BOM, header (when there is one) and rows, `;`-separated, CRLF.
pub fn table_to_excel_csv(t: &Table) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let rows = std::iter::once(&t.header)
        .filter(|h| !h.is_empty())
        .chain(t.rows.iter());
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            field(&mut out, c);
        }
        out.push_str("\r\n");
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_semicolons_quotes_and_formula_guard() {
        let t = Table {
            header: vec!["STT".into(), "Nội dung".into()],
            rows: vec![
                vec!["1.1".into(), "Lương; phụ cấp".into()],
                vec!["=SUM(A1)".into(), "-5,5".into()],
            ],
            ..Table::default()
        };
        let s = String::from_utf8(table_to_excel_csv(&t)).unwrap();
        assert_eq!(
            s,
            "\u{feff}STT;Nội dung\r\n1.1;\"Lương; phụ cấp\"\r\n'=SUM(A1);-5,5\r\n"
        );
    }
}
