//! The page's static files, compiled into the binary (so the page works offline): Chart.js's
//! UMD build with its licenses, the script that draws the widgets' data, the style sheet.

/// `(file name, content type, bytes)` of every asset.
const ASSETS: &[(&str, &str, &[u8])] = &[
    ("chart.umd.min.js", "text/javascript; charset=utf-8", include_bytes!("assets/chart.umd.min.js")),
    ("dashboard.js", "text/javascript; charset=utf-8", include_bytes!("assets/dashboard.js")),
    ("dashboard.css", "text/css; charset=utf-8", include_bytes!("assets/dashboard.css")),
    ("LICENSE.chartjs.md", "text/plain; charset=utf-8", include_bytes!("assets/LICENSE.chartjs.md")),
    ("LICENSE.kurkle-color.md", "text/plain; charset=utf-8", include_bytes!("assets/LICENSE.kurkle-color.md")),
];

/// The asset named `name`: its content type and bytes.
pub(crate) fn asset(name: &str) -> Option<(&'static str, &'static [u8])> {
    ASSETS.iter().find(|(n, _, _)| *n == name).map(|(_, t, b)| (*t, *b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_library_and_its_licenses_are_served() {
        let (kind, js) = asset("chart.umd.min.js").unwrap();
        assert!(kind.starts_with("text/javascript"));
        assert!(js.starts_with(b"/*!\n * Chart.js v4.6.1"));
        assert!(asset("LICENSE.chartjs.md").unwrap().1.starts_with(b"The MIT License"));
        assert!(asset("../lib.rs").is_none());
    }
}
