// The query page: the textarea becomes a YASQE editor (syntax colouring, checking, folding).
// Without JavaScript the textarea and the form work as they are: the server runs the query
// and renders the table. Autocompletion is limited to the query's own variables, because the
// other completers ask servers on the internet (prefix.cc, LOV), and this page asks none.
(function () {
  "use strict";
  var textarea = document.getElementById("query-text");
  var holder = document.getElementById("editor");
  var select = document.getElementById("example");
  var examples = JSON.parse(select.dataset.examples || "{}");
  if (!window.Yasgui || !window.Yasgui.Yasqe) {
    return;  // the editor did not load: the plain textarea still works
  }
  holder.hidden = false;
  textarea.hidden = true;
  var yasqe = new window.Yasgui.Yasqe(holder, {
    value: textarea.value,
    persistenceId: null,
    showQueryButton: false,
    createShareableLink: null,
    consumeShareLink: null,
    autocompleters: ["variables"],
    resizeable: true,
    editorHeight: "320px",
    // Tab leaves the editor, as everywhere else on the page: no keyboard trap.
    extraKeys: {Tab: false, "Shift-Tab": false},
  });
  yasqe.getInputField().setAttribute("aria-label", "SPARQL query");
  document.getElementById("query-form").addEventListener("submit", function () {
    textarea.value = yasqe.getValue();
  });
  select.addEventListener("change", function () {
    if (examples[select.value]) {
      yasqe.setValue(examples[select.value]);
    }
  });
  window.dprkEditor = yasqe;
}());
