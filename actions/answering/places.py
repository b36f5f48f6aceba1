"""Places a user may name that the database does not cover, so the bot can say so plainly."""
from __future__ import annotations

# Cities people are likely to name besides ours; enough to recognise "郑州的…" as another place.
OTHER_CITIES = (
    "北京 上海 天津 重庆 郑州 洛阳 开封 新乡 焦作 许昌 漯河 南阳 信阳 周口 驻马店 商丘 安阳 鹤壁 濮阳 济源 "
    "济南 青岛 烟台 潍坊 淄博 临沂 济宁 泰安 威海 日照 德州 聊城 菏泽 枣庄 东营 福州 厦门 泉州 漳州 莆田 "
    "南平 龙岩 宁德 广州 深圳 杭州 南京 苏州 无锡 宁波 武汉 成都 西安 长沙 合肥 南昌 石家庄 太原 沈阳 长春 "
    "哈尔滨 昆明 贵阳 南宁 海口 兰州 西宁 银川 乌鲁木齐 拉萨 呼和浩特 大连 东莞 佛山"
).split()


def unknown_city(text: str) -> str | None:
    """A city named in the text that the database does not cover (call only when none of ours is named)."""
    for city in OTHER_CITIES:
        if city in text:
            return city
    return None
