/* Chinese date picker for form-js's date fields.
   form-js 1.23 has no locale option: its Datepicker creates a flatpickr instance (bundled in
   form-viewer.umd.js, which exposes it as window.flatpickr) with English names and a display
   format taken from the browser's locale (mm/dd/yyyy on an English browser). flatpickr's public
   global API changes that for every instance form-js creates: localize() for the names and the
   first day of the week, setDefaults() for a plugin that sets the display format, the
   placeholder and the labels. Only presentation changes: form-js stores its own ISO
   serialisation of the picked day (YYYY-MM-DD), whatever the display format.
   Load after form-viewer.umd.js and before any form is rendered. */
(function () {
  'use strict';
  var flatpickr = window.flatpickr;
  if (!flatpickr) { return; }  // no form viewer on this page

  var DISPLAY_FORMAT = 'Y-m-d';  // 2026-11-25; typed 2026/11/25 or 2026年11月25日 parse too
  var PLACEHOLDER = '年-月-日';

  // Names as in flatpickr's own zh locale (flatpickr/dist/l10n/zh.js, MIT), which form-js's
  // bundle does not include; plus what that locale leaves in English, and Monday first.
  var MONTHS = ['一月', '二月', '三月', '四月', '五月', '六月',
    '七月', '八月', '九月', '十月', '十一月', '十二月'];
  var ZH = {
    weekdays: {
      shorthand: ['周日', '周一', '周二', '周三', '周四', '周五', '周六'],
      longhand: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六']
    },
    months: { shorthand: MONTHS, longhand: MONTHS },
    firstDayOfWeek: 1,
    ordinal: function () { return ''; },
    rangeSeparator: ' 至 ',
    weekAbbreviation: '周',
    scrollTitle: '滚动切换',
    toggleTitle: '点击切换 12/24 小时制',
    amPM: ['上午', '下午'],
    yearAriaLabel: '年份',
    monthAriaLabel: '月份',
    hourAriaLabel: '小时',
    minuteAriaLabel: '分钟',
    time_24hr: true
  };

  function label(node, text) {
    if (!node) { return; }
    node.setAttribute('aria-label', text);
    node.setAttribute('title', text);
  }

  /* A flatpickr plugin: hooks run for every instance, whatever config form-js passes. */
  function chineseDisplay(instance) {
    return {
      ariaDateFormat: 'Y年n月j日',  // what a screen reader says for a day of the calendar
      onParseConfig: function () {
        // form-js passes an explicit dateFormat, which plain defaults cannot override.
        instance.config.dateFormat = DISPLAY_FORMAT;
      },
      onReady: function () {
        instance.input.setAttribute('placeholder', PLACEHOLDER);
        label(instance.prevMonthNav, '上个月');
        label(instance.nextMonthNav, '下个月');
      }
    };
  }

  flatpickr.localize(ZH);
  flatpickr.setDefaults({ plugins: [chineseDisplay] });

  window.WenpingDatepickerZh = { format: DISPLAY_FORMAT, placeholder: PLACEHOLDER, locale: ZH };
})();
