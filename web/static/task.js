/* The task page: render the deployed form with form-js, validate, complete through the server.
   Input is never lost: a draft is kept in sessionStorage and the page is not reloaded on error. */
(function () {
  'use strict';
  var container = document.getElementById('form');
  if (!container) { return; }
  var key = container.getAttribute('data-task');
  var csrf = container.getAttribute('data-csrf');
  var draftKey = 'wenping-draft-' + key;
  var errorBox = document.getElementById('task-error');
  var okBox = document.getElementById('task-ok');
  var button = document.getElementById('submit-task');
  var form = null;

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function showError(message, items) {
    errorBox.textContent = '';
    var p = document.createElement('p');
    p.textContent = message;
    errorBox.appendChild(p);
    if (items && items.length) {
      var ul = document.createElement('ul');
      items.forEach(function (e) {
        var li = document.createElement('li');
        li.textContent = e.label + '：' + e.message;
        ul.appendChild(li);
      });
      errorBox.appendChild(ul);
    }
    errorBox.hidden = false;
    errorBox.setAttribute('tabindex', '-1');
    errorBox.focus();
  }

  function currentData() {
    if (!form) { return {}; }
    return form._getState().data;
  }

  function submit(data) {
    errorBox.hidden = true;
    button.disabled = true;
    fetch('/tasks/' + key + '/complete', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ variables: data })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { status: response.status, body: body };
      });
    }).then(function (result) {
      button.disabled = false;
      if (result.status === 200 && result.body.redirect) {
        sessionStorage.removeItem(draftKey);
        okBox.textContent = result.body.message || '任务已办理完成。';
        okBox.hidden = false;
        window.location.assign(result.body.redirect || '/tasks');
        return;
      }
      showError(result.body.message || '提交失败，请稍后重试。已填写的内容已保留。', result.body.errors);
    }).catch(function () {
      button.disabled = false;
      showError('无法连接服务器，请检查网络后重试。已填写的内容已保留。');
    });
  }

  function start() {
    if (container.getAttribute('data-empty')) {
      button.addEventListener('click', function () { submit({}); });
      return;
    }
    var schema = readJson('form-schema');
    var data = readJson('form-data') || {};
    try {
      var saved = sessionStorage.getItem(draftKey);
      if (saved) { data = Object.assign({}, data, JSON.parse(saved)); }
    } catch (e) { /* a broken draft is ignored */ }
    form = new FormViewer.Form({ container: container, additionalModules: [window.WenpingFormZh.module] });
    form.importSchema(schema, data).then(function () {
      window.WenpingFormZh.watch(container);
      form.on('changed', function (event) {
        try { sessionStorage.setItem(draftKey, JSON.stringify(event.data)); } catch (e) { /* full */ }
      });
      form.on('submit', function (event) {
        var errors = event.errors || {};
        var count = Object.keys(errors).length;
        if (count) {
          showError('表单有 ' + count + ' 处需要修改，请检查标红的字段。');
          return;
        }
        submit(event.data);
      });
      button.addEventListener('click', function () { form.submit(); });
    }).catch(function () {
      showError('表单无法显示，请联系系统管理员。');
    });
  }

  start();
})();
