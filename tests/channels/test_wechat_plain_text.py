"""WeChat shows text as typed: the bot's Markdown (a bold figure line, a link to the source clause) becomes
plain text there, 【50万元】 and 「查看原文：https://…」, in the reply a user gets over HTTP."""

from bot.channels.wechat.channel import render_bot_messages
from bot.channels.wechat.plain_text import plain_text

CARD = (
    "【平顶山】国家级专精特新“小巨人”一次性奖励50万元（文件未规定期限，2022年文件）\n"
    "**一次性财政资金奖励：50万元**\n"
    "出处：《平顶山市人民政府办公室关于进一步做好惠企纾困工作促进经济平稳健康发展的通知》"
    "（平政办〔2022〕15号，2022年6月7日发布）附件3 二（二） "
    "[查看原文](http://localhost:8080/sources/pds-2022-15#c-a3-2-2)"
)


def test_bold_becomes_square_brackets_and_a_link_its_label_and_address():
    text = plain_text(CARD)
    lines = text.splitlines()
    assert lines[1] == "【一次性财政资金奖励：50万元】"
    assert lines[2].endswith("附件3 二（二） 查看原文：http://localhost:8080/sources/pds-2022-15#c-a3-2-2")
    assert "**" not in text and "](" not in text


def test_text_without_markdown_is_unchanged():
    plain = "请问您的企业在哪个城市？目前可查询：平顶山、三明。\n· 平顶山：缓缴3个月（已过期）\n1. 第一项"
    assert plain_text(plain) == plain


def test_asterisks_that_are_not_bold_and_brackets_that_are_no_link_stay():
    assert plain_text("N+1+N模式 * 说明 [附件2](见下)") == "N+1+N模式 * 说明 [附件2](见下)"


def test_the_rendered_reply_is_plain_and_keeps_its_buttons():
    text, buttons = render_bot_messages(
        [{"text": CARD, "buttons": [{"title": "1. 小巨人设备软件投资30%补助", "payload": "第1个"}]}]
    )
    assert "**" not in text and "【一次性财政资金奖励：50万元】" in text
    assert text.endswith("回复1：1. 小巨人设备软件投资30%补助")
    assert buttons == [{"title": "1. 小巨人设备软件投资30%补助", "payload": "第1个"}]


def test_a_bold_answer_reaches_the_user_as_plain_text(client):
    # The stand-in bot answers 「答复：<the message>」, so the Markdown goes through the whole channel.
    reply = client.reply_text(client.send_text("**可得：700万元**", openid="o_markdown"))
    assert reply == "答复：【可得：700万元】"
