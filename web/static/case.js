/* The case page's diagram: bpmn-js viewer, completed and active elements marked. */
(function () {
  'use strict';
  var node = document.getElementById('diagram');
  if (!node || !window.BpmnJS) { return; }
  var marks = JSON.parse(document.getElementById('diagram-marks').textContent);
  var viewer = new BpmnJS({ container: node });

  function bindZoomButtons(canvas) {
    var actions = {
      'zoom-in': function () { canvas.zoom(canvas.zoom() * 1.25); },
      'zoom-out': function () { canvas.zoom(canvas.zoom() / 1.25); },
      'zoom-fit': function () { canvas.zoom('fit-viewport'); }
    };
    Object.keys(actions).forEach(function (id) {
      var button = document.getElementById(id);
      if (button) { button.addEventListener('click', actions[id]); button.disabled = false; }
    });
  }
  fetch(node.getAttribute('data-xml'), { credentials: 'same-origin' })
    .then(function (response) {
      if (!response.ok) { throw new Error('diagram ' + response.status); }
      return response.text();
    })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      var canvas = viewer.get('canvas');
      var registry = viewer.get('elementRegistry');
      function mark(ids, css) {
        ids.forEach(function (id) {
          var element = registry.get(id);
          if (!element) { return; }
          // A running stage (sub-process) is outlined only, so the task inside it stands out.
          var scope = element.type === 'bpmn:SubProcess' && css === 'wp-active';
          canvas.addMarker(id, scope ? 'wp-scope' : css);
        });
      }
      mark(marks.completed, 'wp-done');
      mark(marks.active, 'wp-active');
      mark(marks.incident, 'wp-incident');
      canvas.zoom('fit-viewport');
      // A wide diagram fitted whole is too small to read: show the work under way instead.
      var current = marks.active.map(function (id) { return registry.get(id); })
        .filter(function (el) { return el && el.type !== 'bpmn:SubProcess'; })[0];
      if (current && canvas.zoom() < 0.6 && canvas.scrollToElement) {
        canvas.zoom(0.8);
        canvas.scrollToElement(current);
      }
      bindZoomButtons(canvas);
      node.setAttribute('data-ready', '1');
    })
    .catch(function () {
      node.textContent = '流程图无法显示。';
    });
})();
