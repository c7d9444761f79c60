// w13xl: opened outside Excel (a plain browser tab), the task pane says what it is and how to load
// it, and never reloads itself. Office.js loads its host through one of these channels; a page
// with none of them is not inside an Office add-in host.
(function () {
  function insideOffice() {
    const hostInfo = /[?&#]_host_Info=/i.test(window.location.href) ||
      (function () { try { return !!sessionStorage.getItem("hostInfoValue"); } catch (e) { return false; } })();
    const windowsHost = !!(window.external && "GetContext" in window.external) || !!(window.chrome && window.chrome.webview);
    const macHost = !!(window.webkit && window.webkit.messageHandlers && window.webkit.messageHandlers.Agave);
    const framed = window.top !== window.self; // Excel on the web hosts the pane in a frame
    return hostInfo || windowsHost || macHost || framed;
  }
  window.w13InsideOffice = insideOffice();
  if (window.w13InsideOffice) return;
  // xlwings' reload guard must not count this page as a failed load
  try { sessionStorage.setItem("xlwingsTaskpaneReloadCount", "999"); } catch (e) {}
  document.addEventListener("DOMContentLoaded", () => {
    document.body.classList.add("w13-buiten-excel");
    const notice = document.getElementById("w13-buiten-excel");
    if (notice) notice.hidden = false;
    const content = document.getElementById("w13-in-excel");
    if (content) content.hidden = true;
  });
})();
