/* 政策通 page: every sentence the page's scripts write, in one place (the static ones are in index.html).
 * The bot's own replies come from Rasa; the catalogue's numbers from catalogue.js. */
(function () {
  "use strict";
  window.POLICY_WORDING = Object.freeze({
    status: Object.freeze({
      connecting: "连接中…",
      online: "在线",
      offline: "未连接",
      widgetMissing: "组件加载失败"
    }),
    widgetMissing: "对话组件未能加载，请检查网页服务器是否已安装前端依赖（npm ci --prefix bot/web）。",
    offline: "暂时连不上政策通服务，正在自动重试。急事请拨打12345热线，或留言，工作人员会回电。",
    queued: "正在连接，连上后立即发送：",
    speakerBot: "政策通：",
    speakerUser: "您：",
    introMore: "说明",
    introLess: "收起",
    rateGroup: "这条答复对您有帮助吗？",
    satisfied: "满意",
    unsatisfied: "不满意",
    rated: "谢谢您的评价。",
    reasonPrompt: "哪里不满意？（选填）",
    reasons: Object.freeze(["没有回答我的问题", "数字或条件不对", "看不懂", "政策已过时"]),
    reasonSaved: "已记下原因，谢谢。",
    rateFailed: "评价没有保存成功，请稍后再试。",
    copy: "复制",
    copied: "已复制",
    copyFailed: "复制失败，请长按文字复制",
    newMessage: "有新消息，点此查看",
    hotlineItem: function (city, number) { return city + "：" + number; },
    noHotlines: "请拨打当地的12345政务服务便民热线。",
    privacy: function (days) {
      return "留电话只为工作人员回电答复您的问题；留言和电话只有处理留言的工作人员能看到，不公开、不作他用；" +
        (days ? "保存" + days + "天后删除。" : "处理完毕后删除。");
    },
    messageSent: function (id) { return "留言已提交（编号" + id + "），工作人员会尽快处理。"; },
    messageEmpty: "请写下您想咨询的问题。",
    messageFailed: "留言没有提交成功，请稍后再试或拨打12345热线。"
  });
})();
