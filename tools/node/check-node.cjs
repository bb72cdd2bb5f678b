#!/usr/bin/env node
// Run before `npm start`, `npm test` and the benchmarks (their npm pre-scripts): stops at once,
// with one line naming the version to install, when this Node is older than the one the
// project ships on (.node-version), instead of failing later with a stack trace from a
// dependency. Plain ES5 CommonJS, so that any old Node can run it.
'use strict';
var fs = require('fs');
var path = require('path');

var pinned = fs.readFileSync(path.join(__dirname, '..', '..', '.node-version'), 'utf8').trim();
var running = process.version.replace(/^v/, '');

function parts(version) {
  return version.split('.').map(function (n) { return parseInt(n, 10) || 0; });
}
function compare(a, b) {
  var x = parts(a), y = parts(b);
  for (var i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

if (compare(running, pinned) < 0) {
  process.stderr.write('This project needs Node ' + pinned + ' or a newer ' + parts(pinned)[0] + '.x (see .node-version); this is Node ' + running + '. Install Node ' + pinned + ' (for example `nvm install ' + pinned + '` or `fnm install ' + pinned + '`) and run the command again.\n');
  process.exit(1);
}
if (parts(running)[0] !== parts(pinned)[0]) {
  process.stderr.write('Note: Node ' + running + ' is not the line the project ships on (Node ' + pinned + ', .node-version); it is not tested there.\n');
}
