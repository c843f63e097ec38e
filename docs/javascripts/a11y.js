// Keyboard access to scrolling boxes: a code block, program output, equation or table wider than the
// column scrolls sideways; it gets tabindex="0" so that it can be focused and scrolled with the
// arrow keys (axe-core: scrollable-region-focusable). Run on every page Material's instant
// navigation shows, and again when the window is resized.
(function () {
  const SCROLLERS = ".md-typeset pre > code, .md-typeset pre, .md-typeset div.arithmatex, " +
    ".md-typeset mjx-container[display='true'], .md-typeset .jp-OutputArea-output, " +
    ".md-typeset .highlight-ipynb, .md-typeset :is(p, li, td):has(> .arithmatex)";
  function focusable() {
    // A table may overflow only once its math is drawn, or at another width: always focusable.
    for (const table of document.querySelectorAll(".md-typeset table:not([class])")) {
      if (!table.hasAttribute("tabindex")) table.setAttribute("tabindex", "0");
    }
    for (const el of document.querySelectorAll(SCROLLERS)) {
      const scrolls = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
      const style = getComputedStyle(el);
      if (scrolls && /(auto|scroll)/.test(style.overflowX + style.overflowY)
          && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
      }
    }
  }
  document$.subscribe(function () {
    focusable();
    // Text (and so a box's width) may change once the web fonts have arrived.
    document.fonts.ready.then(focusable);
  });
  window.addEventListener("resize", focusable);
})();
