// MathJax 3 configuration. The site serves MathJax itself (assets/mathjax/tex-svg.js, copied
// from the installed `mathjax` package by docs/hooks/site.py): no page loads math from a CDN.
//
// * pymdownx.arithmatex (generic) wraps math as \( \) and \[ \] in `.arithmatex` elements;
//   notebook markdown cells (mkdocs-jupyter, class `jp-RenderedMarkdown`) keep raw $ and $$.
//   Everything inside `.md-typeset` is skipped except those two classes, so code blocks,
//   program output and prose dollars are never typeset (TOOLING pitfall 2).
// * SVG output: CHTML formulas went blank after instant navigation (TOOLING pitfall 1).
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
    tags: "none",
    // Without `noundefined`, an unknown macro is a TeX error (marked data-mjx-error), which
    // tests/test_browser.py reports, instead of quietly showing its name in red.
    packages: { "[-]": ["noundefined"] },
  },
  svg: {
    fontCache: "global",
  },
  options: {
    ignoreHtmlClass: "md-typeset",
    processHtmlClass: "arithmatex|jp-RenderedMarkdown",
  },
};

// Material's instant navigation swaps the page content without reloading scripts: typeset the
// new content each time. The first emission is the initial page, which MathJax's startup
// typesets by itself, so it is skipped.
(function () {
  let first = true;
  document$.subscribe(function () {
    if (first) {
      first = false;
      return;
    }
    const mj = window.MathJax;
    if (!mj || !mj.startup || !mj.startup.promise) return;
    mj.startup.promise = mj.startup.promise.then(function () {
      // Keep the SVG glyph cache: it lives in <body>, outside the swapped content, and
      // clearing it (Material's CHTML snippet clears its cache) leaves every new glyph blank.
      mj.typesetClear();
      mj.texReset();
      return mj.typesetPromise();
    });
  });
})();
