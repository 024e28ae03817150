// A minimal VS Code client for `lambdalint server`: `npm install` here, then copy or symlink this
// folder into ~/.vscode/extensions/ (or run it with F5 from VS Code's extension host).
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

exports.activate = function activate() {
  const command = vscode.workspace.getConfiguration("lambdalint").get("command") || "lambdalint";
  client = new LanguageClient(
    "lambdalint",
    "lambdalint",
    { command, args: ["server"] },
    {
      documentSelector: ["python", "yaml", "json"].map((language) => ({ scheme: "file", language })),
    },
  );
  return client.start();
};

exports.deactivate = function deactivate() {
  return client ? client.stop() : undefined;
};
