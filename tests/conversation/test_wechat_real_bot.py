"""The WeChat Official Account channel in front of the real trained bot, over real HTTP."""

from __future__ import annotations

import re
import time
import uuid

import requests
import xmltodict
from wechatpy.utils import WeChatSigner

from tests.conftest import WECHAT_TEST_TOKEN


def post_text(bot, openid: str, content: str, token: str = WECHAT_TEST_TOKEN) -> requests.Response:
    timestamp, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce)
    body = (
        f"<xml><ToUserName><![CDATA[gh_policy]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{int(time.time() * 1e6)}</MsgId></xml>"
    )
    return requests.post(
        f"{bot.url}/webhooks/wechat/webhook",
        params={"signature": signer.signature, "timestamp": timestamp, "nonce": nonce},
        data=body.encode("utf-8"),
        headers={"Content-Type": "text/xml"},
        timeout=10,
    )


def reply_text(response: requests.Response) -> str:
    assert response.status_code == 200, response.text
    return xmltodict.parse(response.text)["xml"]["Content"]


def test_policy_answer_in_a_passive_xml_reply(bot):
    text = reply_text(post_text(bot, "o-" + uuid.uuid4().hex[:8], "平顶山国家级小巨人企业一次性奖多少"))
    assert "50万元" in text and "市财政局" in text and "平政办〔2022〕15号" in text


def test_city_choice_by_number_and_memory_across_turns(bot):
    openid = "o-" + uuid.uuid4().hex[:8]
    first = reply_text(post_text(bot, openid, "新三板挂牌能奖多少"))
    number = re.search(r"回复(\d+)：平顶山", first).group(1)
    assert "200万元" in reply_text(post_text(bot, openid, number))
    assert "市金融工作局" in reply_text(post_text(bot, openid, "这个找哪个部门"))


def test_the_answer_is_plain_text_with_the_figure_in_square_brackets(bot):
    text = reply_text(post_text(bot, "o-" + uuid.uuid4().hex[:8], "平顶山国家级小巨人企业一次性奖多少"))
    assert text.splitlines()[1] == "【一次性财政资金奖励：50万元】"
    assert "**" not in text and "](" not in text
    assert "（平政办〔2022〕15号，2022年6月7日发布）附件3 二（二）" in text


def test_the_original_clause_after_an_answer(bot, catalog):
    openid = "o-" + uuid.uuid4().hex[:8]
    reply_text(post_text(bot, openid, "平顶山国家级小巨人企业一次性奖多少"))
    clause = next(b.clause_text for b in catalog.benefits if b.key == "pds-xjr-national")
    text = reply_text(post_text(bot, openid, "原文"))
    assert clause in text and "《" in text


def test_forged_signature_is_refused(bot):
    response = post_text(bot, "o-forger", "平顶山小巨人", token="not-the-token")
    assert response.status_code == 403
