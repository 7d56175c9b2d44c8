/// The HTML report's stylesheet and its one script, inline. System fonts only (no web font is fetched). Dark mode:
/// `prefers-color-scheme` (https://developer.mozilla.org/docs/Web/CSS/@media/prefers-color-scheme); print: `@media print`
/// hides the filters and keeps each check on its page where it fits (https://developer.mozilla.org/docs/Web/CSS/break-inside).
enum HTMLStyle {
    static let css = """
        :root{--bg:#fff;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--card:#f6f8fa;--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--error:#8250df;--skip:#8c959f;--waived:#0969da}
        @media (prefers-color-scheme: dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#30363d;--card:#161b22;--pass:#3fb950;--fail:#f85149;--warn:#d29922;--error:#a371f7;--skip:#6e7681;--waived:#58a6ff}}
        *{box-sizing:border-box}
        body{margin:0 auto;max-width:1100px;padding:24px;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
        h1{font-size:1.7em;margin:0 0 12px}h2{border-bottom:1px solid var(--line);padding-bottom:4px;margin-top:32px}
        table{border-collapse:collapse;width:100%;margin:8px 0 16px;font-size:.92em}
        th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
        th{background:var(--card)}caption{text-align:left;font-weight:600;padding:4px 0}
        code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
        pre{background:var(--card);border:1px solid var(--line);padding:8px;overflow-x:auto;white-space:pre-wrap}
        .cover{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}.cover dt{color:var(--muted)}.cover dd{margin:0}
        .verdict{padding:0 8px;border-radius:6px;color:#fff}.verdict.pass{background:var(--pass)}.verdict.fail{background:var(--fail)}.verdict.error{background:var(--error)}
        .headline{font-size:1.1em;font-weight:600}
        .badge{display:inline-block;min-width:4.2em;text-align:center;border-radius:10px;padding:0 6px;color:#fff;font-size:.85em}
        .badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}.badge.warn{background:var(--warn)}.badge.error{background:var(--error)}.badge.skip{background:var(--skip)}.badge.waived{background:var(--waived)}
        .sev{font-weight:600}.sev.critical{color:var(--fail)}.sev.high{color:var(--warn)}
        .charts{display:flex;flex-wrap:wrap;gap:24px}figure{margin:0}figcaption{font-weight:600;margin-bottom:4px}
        svg .label,svg .value{fill:var(--fg);font-size:12px}
        svg .seg.pass{fill:var(--pass)}svg .seg.fail{fill:var(--fail)}svg .seg.warn{fill:var(--warn)}svg .seg.error{fill:var(--error)}svg .seg.skip{fill:var(--skip)}svg .seg.waived{fill:var(--waived)}
        .notes{background:var(--card);border-left:4px solid var(--warn);padding:8px 12px;margin:12px 0}
        .check{border:1px solid var(--line);border-radius:8px;padding:0 16px 8px;margin:16px 0}
        .meta,.more,.impact{color:var(--muted)}
        .filter{display:block;margin:8px 0;padding:4px 8px;width:min(320px,100%);background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:6px}
        @media print{body{max-width:none;padding:0;font-size:11pt}.filter{display:none}.check,figure,tr{break-inside:avoid}h2,h3{break-after:avoid}a{color:inherit;text-decoration:none}}
        """

    /// Filters each `.filterable` table by its search box: rows whose text does not contain every word are hidden.
    static let script = """
        document.querySelectorAll('input.filter').forEach(function(box){
          var table=document.getElementById(box.dataset.table);
          if(!table)return;
          box.addEventListener('input',function(){
            var words=box.value.toLowerCase().split(/\\s+/).filter(Boolean);
            table.querySelectorAll('tbody tr').forEach(function(row){
              var text=row.textContent.toLowerCase();
              row.hidden=!words.every(function(w){return text.indexOf(w)>=0;});
            });
          });
        });
        """
}
