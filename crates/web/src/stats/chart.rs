//! Bar charts as SVG written on the server: no script, readable without styles, each next to
//! the table that holds its numbers (the chart is a picture of the table, named by it).

/// One bar: its label, its length (any unit, scaled to the longest) and the text after it.
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Each row: the label on its own line (the whole width, so long category names are not cut
/// at the left edge), then the bar and its value. The drawing is about as wide as a phone's
/// screen, so its text stays at reading size there.
const ROW: u32 = 40;
const BARS: u32 = 260;
const WIDTH: u32 = BARS + 90;
/// Longer labels end in "…"; the whole label is the row's tooltip and is in the table.
const LABEL_CHARS: usize = 48;

fn shortened(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_owned();
    }
    let cut: String = label.chars().take(LABEL_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

/// A horizontal bar chart described by the element `labelled_by` (the heading or caption of
/// its table).
pub fn bars(labelled_by: &str, bars: &[Bar]) -> String {
    let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
    let height = ROW * u32::try_from(bars.len()).unwrap_or(0) + 4;
    let mut svg = format!(
        r#"<svg class="chart" role="img" aria-labelledby="{}" viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">"#,
        escape(labelled_by)
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = ROW * u32::try_from(i).unwrap_or(0);
        let length = if max > 0.0 {
            (bar.value.max(0.0) / max * f64::from(BARS)).round()
        } else {
            0.0
        };
        svg.push_str(&format!(
            r#"<g><title>{}</title><text class="chart-label" x="0" y="{}">{}</text><rect class="chart-bar" x="0" y="{}" width="{length}" height="14"/><text class="chart-value" x="{}" y="{}">{}</text></g>"#,
            escape(&bar.label),
            y + 14,
            escape(&shortened(&bar.label)),
            y + 20,
            length + 6.0,
            y + 32,
            escape(&bar.text),
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_longest_and_escape_labels() {
        let svg = bars(
            "t",
            &[
                Bar {
                    label: "Drogi & <chodniki>".into(),
                    value: 50.0,
                    text: "50%".into(),
                },
                Bar {
                    label: "Zieleń".into(),
                    value: 25.0,
                    text: "25%".into(),
                },
            ],
        );
        assert!(svg.contains("Drogi &amp; &lt;chodniki&gt;"));
        assert!(svg.contains(r#"width="260""#));
        assert!(svg.contains(r#"width="130""#));
        // A long label is shortened in the picture, whole in its tooltip.
        let long = "Awarie i zniszczenia dróg, chodników, ścieżek rowerowych i elementów małej architektury";
        let svg = bars(
            "t",
            &[Bar {
                label: long.into(),
                value: 1.0,
                text: "1".into(),
            }],
        );
        assert!(svg.contains(&format!("<title>{long}</title>")));
        assert!(svg.contains(">Awarie i zniszczenia dróg, chodników, ścieżek r…</text>"));
        assert!(svg.contains(r#"aria-labelledby="t""#));
        assert!(!bars("t", &[]).contains("<rect"));
    }
}
