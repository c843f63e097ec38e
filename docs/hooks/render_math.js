// Typesets the site's math at build time, so that pages ship MathJax's output and no MathJax
// script (about 800 kB per cold page load). Run by docs/hooks/site.py (`render_math`) with the
// system's node, on the MathJax 3 components of the installed Python package
// django-static-mathjax (the same files the site used to serve; nothing is installed from npm).
//
// stdin:  {"es5": DIR, "output": "chtml" | "svg", "fontURL": URL, "fragments": [HTML, ...]}
// stdout: {"fragments": [HTML, ...], "css": CSS, "errors": [TEX, ...]}
//
// Each fragment is an element holding math (a pymdownx.arithmatex span or div, or a notebook
// markdown cell); it comes back with its math replaced by MathJax's output, with assistive
// MathML for screen readers. `css` is the one stylesheet for every fragment of the site (CHTML:
// the rules for each glyph used anywhere, and @font-face rules pointing at fontURL).
"use strict";

const input = JSON.parse(require("fs").readFileSync(0, "utf8"));

global.MathJax = {
  loader: {
    paths: { mathjax: input.es5 },
    require: require,
    load: ["adaptors/liteDOM", "input/tex-base", "[tex]/ams", "[tex]/require", "[tex]/autoload",
           "[tex]/newcommand", "[tex]/configmacros", "a11y/assistive-mml",
           "output/" + input.output],
  },
  // The TeX settings the pages were written for (they were those of the in-browser MathJax).
  tex: {
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
    tags: "none",
    // No `noundefined`: an unknown macro is a TeX error, which fails the build below.
    packages: { "[+]": ["ams", "require", "autoload", "newcommand", "configmacros"] },
  },
  chtml: { fontURL: input.fontURL },
  // SVG (the file:// build, where browsers refuse web fonts): each equation carries its glyphs.
  svg: { fontCache: "local" },
  startup: { typeset: false },
};

require(input.es5 + "/startup.js");

MathJax.startup.promise
  .then(async () => {
    const adaptor = MathJax.startup.adaptor;
    const errors = [];
    const fragments = [];
    for (const html of input.fragments) {
      const doc = MathJax.startup.getDocument(html);
      // Autoloaded TeX packages (\boldsymbol, ...) arrive asynchronously: retry until done.
      await MathJax._.mathjax.mathjax.handleRetriesFor(() => doc.render());
      for (const node of adaptor.tags(adaptor.body(doc.document), "mjx-merror")) {
        errors.push(adaptor.getAttribute(node, "data-mjx-error") || adaptor.textContent(node));
      }
      fragments.push(adaptor.innerHTML(adaptor.body(doc.document)));
    }
    const sheet = MathJax.startup.output.styleSheet(MathJax.startup.getDocument("<p></p>"));
    const css = adaptor.textContent(sheet);
    process.stdout.write(JSON.stringify({ fragments, css, errors }));
  })
  .catch((err) => {
    process.stderr.write(String((err && err.stack) || err) + "\n");
    process.exit(1);
  });
