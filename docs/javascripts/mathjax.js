// MathJax 3 configuration. The site serves MathJax itself (assets/mathjax/, copied from the
// installed `mathjax` package by docs/hooks/site.py): no page loads math from a CDN.
//
// * pymdownx.arithmatex (generic) wraps math as \( \) and \[ \] in `.arithmatex` elements;
//   notebook markdown cells (mkdocs-jupyter, class `jp-RenderedMarkdown`) keep raw $ and $$.
//   Everything inside `.md-typeset` is skipped except those two classes, so code blocks,
//   program output and prose dollars are never typeset (TOOLING pitfall 2).
// * Components, not the combined tex-svg.js (2.1 MB): TeX input with the packages the pages
//   use (others, e.g. boldsymbol and cancel, autoload from the site on first use), CHTML output
//   (its web fonts are fetched only as a page needs them), assistive MathML for screen readers.
//   CHTML once went blank on the first load with Material's snippet (TOOLING pitfall 1): the
//   subscription below skips the first emission.
window.MathJax = {
  loader: {
    load: ["input/tex-base", "[tex]/ams", "[tex]/require", "[tex]/autoload",
           "[tex]/newcommand", "[tex]/configmacros", "a11y/assistive-mml",
           // From a folder (file://) browsers refuse web fonts: SVG output draws the glyphs
           // from a script instead (`make offline`).
           location.protocol === "file:" ? "output/svg" : "output/chtml"],
  },
  tex: {
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
    tags: "none",
    // `noundefined` is not loaded: an unknown macro is a TeX error (marked data-mjx-error),
    // which tests/test_browser.py reports, instead of quietly showing its name in red.
    packages: { "[+]": ["ams", "require", "autoload", "newcommand", "configmacros"] },
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
      mj.typesetClear();
      mj.texReset();
      return mj.typesetPromise();
    });
  });
})();
