// w13xl: the few English texts of xlwings Server's page frame (base.html) in Dutch.
document.addEventListener("DOMContentLoaded", () => {
  const texts = [
    ["#xlwings-office-ready-error .mb-3", "De add-in is niet goed geladen."],
    ["#xlwings-taskpane-reload-btn", "Opnieuw laden"],
    ["#xlwings-taskpane-reload-cancel-btn", "Annuleren"],
  ];
  for (const [selector, text] of texts) {
    const element = document.querySelector(selector);
    if (element) element.textContent = text;
  }
  document.documentElement.lang = "nl";
});
