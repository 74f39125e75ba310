// « Étiqueter un fichier »: once a CSV is chosen, offer its header's columns in the column fields
// (a <datalist>), read from the file's first 64 KB in the browser. An XLSX, or no JavaScript: the
// person types the names, and the server lists the header's columns if one is missing.
(function () {
  "use strict";
  var input = document.getElementById("id_file");
  var list = document.getElementById("colonnes-du-fichier");
  if (!input || !list || !window.FileReader || !window.TextDecoder) return;

  function decode(bytes) {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch (error) {
      return new TextDecoder("windows-1252").decode(bytes); // Excel's « CSV » on Windows
    }
  }

  function cells(line) {
    // The delimiter found most often outside quotes, as the server's sniffer does.
    var best = ";", most = 0;
    [";", ",", "\t", "|"].forEach(function (delimiter) {
      var count = 0, quoted = false;
      for (var i = 0; i < line.length; i++) {
        if (line[i] === '"') quoted = !quoted;
        else if (!quoted && line[i] === delimiter) count++;
      }
      if (count > most) { best = delimiter; most = count; }
    });
    return line.split(best).map(function (cell) {
      return cell.trim().replace(/^"(.*)"$/, "$1").replace(/""/g, '"');
    }).filter(Boolean);
  }

  input.addEventListener("change", function () {
    list.replaceChildren();
    var file = input.files && input.files[0];
    if (!file || !/\.csv$/i.test(file.name)) return;
    var reader = new FileReader();
    reader.onload = function () {
      var text = decode(new Uint8Array(reader.result)).replace(/^\ufeff/, "");
      cells(text.split(/\r?\n/)[0] || "").forEach(function (name) {
        var option = document.createElement("option");
        option.value = name;
        list.appendChild(option);
      });
    };
    reader.readAsArrayBuffer(file.slice(0, 64 * 1024));
  });
})();
