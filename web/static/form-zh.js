/* Chinese validation messages for the form-js viewer (form-js 1.23 only speaks English).
   The validator service is wrapped, so every message form-js produces passes through here. */
(function () {
  'use strict';
  var RULES = [
    [/^Field is required\.$/, function () { return '此项为必填项。'; }],
    [/^Field must have minimum length of (.+)\.$/, function (m) { return '至少应填写 ' + m[1] + ' 个字符。'; }],
    [/^Field must have maximum length of (.+)\.$/, function (m) { return '最多可填写 ' + m[1] + ' 个字符。'; }],
    [/^Field must have minimum value of (.+)\.$/, function (m) { return '不能小于 ' + m[1] + '。'; }],
    [/^Field must have maximum value of (.+)\.$/, function (m) { return '不能大于 ' + m[1] + '。'; }],
    [/^Field must match pattern (.+)\.$/, function () { return '格式不正确。'; }],
    [/^Field must be a valid email\.$/, function () { return '请输入有效的电子邮箱地址。'; }],
    [/^Field must be a valid\s+international phone number.*$/, function () { return '请输入有效的电话号码。'; }],
    [/^Value is not a number\.$/, function () { return '请输入数字。'; }],
    [/^Value is expected to be an integer\.$/, function () { return '应为整数。'; }],
    [/^Value is expected to have at most (\d+) decimal digits?\.$/, function (m) { return '最多保留 ' + m[1] + ' 位小数。'; }],
    [/^Please select a valid value, the two nearest valid values are (.+) and (.+)\.$/,
      function (m) { return '请输入有效值，最接近的有效值为 ' + m[1] + ' 和 ' + m[2] + '。'; }]
  ];

  function translate(message) {
    for (var i = 0; i < RULES.length; i++) {
      var m = RULES[i][0].exec(message);
      if (m) { return RULES[i][1](m); }
    }
    return message;
  }

  function ChineseValidation(validator) {
    // Both entry points: validateFieldInstance (1.x) and the deprecated validateField.
    ['validateFieldInstance', 'validateField'].forEach(function (name) {
      if (typeof validator[name] !== 'function') { return; }
      var original = validator[name].bind(validator);
      validator[name] = function () {
        return original.apply(null, arguments).map(translate);
      };
    });
  }
  ChineseValidation.$inject = ['validator'];

  // Interface words form-js hard-codes in English; rendered text nodes are rewritten in place.
  var WORDS = [
    [/^Select$/, '请选择'],
    [/^Add new$/, '新增一项'],
    [/^Collapse$/, '收起'],
    [/^Expand all \((\d+)\)$/, '展开全部（$1）'],
    [/^No results$/, '无匹配项'],
    [/^Date$/, '日期'],
    [/^Time$/, '时间']
  ];

  function localise(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var node;
    while ((node = walker.nextNode())) {
      var text = node.nodeValue.trim();
      for (var i = 0; i < WORDS.length; i++) {
        if (WORDS[i][0].test(text)) { node.nodeValue = text.replace(WORDS[i][0], WORDS[i][1]); break; }
      }
    }
    root.querySelectorAll('input[placeholder="Search"]').forEach(function (input) {
      input.setAttribute('placeholder', '搜索');
    });
    root.querySelectorAll('button[aria-label="Remove list item"]').forEach(function (b) {
      b.setAttribute('aria-label', '删除此项');
    });
  }

  function watch(container) {
    localise(container);
    new MutationObserver(function () { localise(container); })
      .observe(container, { childList: true, subtree: true, characterData: true });
  }

  window.WenpingFormZh = {
    watch: watch,
    translate: translate,
    module: { __init__: ['chineseValidation'], chineseValidation: ['type', ChineseValidation] }
  };
})();
