/* kommunesm report: "Finn din kommune" - filter and sort the table, offline. */
document.addEventListener("DOMContentLoaded", function () {
  var table = document.getElementById("ksm-finder");
  if (!table) { return; }
  var body = table.tBodies[0];
  var input = document.getElementById("ksm-search");
  var norm = function (s) { return (s || "").toLowerCase().normalize("NFKD"); };
  if (input) {
    input.addEventListener("input", function () {
      var q = norm(input.value.trim());
      Array.prototype.forEach.call(body.rows, function (row) {
        row.hidden = q !== "" && norm(row.textContent).indexOf(q) === -1;
      });
    });
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    var button = th.querySelector("button");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var numeric = th.getAttribute("data-type") === "num";
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute("data-sort"), y = b.cells[col].getAttribute("data-sort");
        if (x === "" && y === "") { return 0; }
        if (x === "") { return 1; }
        if (y === "") { return -1; }
        var d = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, document.documentElement.lang || "nb");
        return asc ? d : -d;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
