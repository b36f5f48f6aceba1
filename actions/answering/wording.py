"""The sentences replies are made of: one home for the bot's wording, full-width punctuation in the source.

Formatters and turn handlers fill these in; none writes a sentence of its own. A test reads every
string here and checks its punctuation (tests/actions/test_wording.py). Placeholders are
``str.format`` fields.
"""

from __future__ import annotations

# -- validity ---------------------------------------------------------------------------------------
VALID_UNTIL = "有效期：至{until}，目前仍在有效期内"
UNDATED = "有效期：文件未规定截止日期，以主管部门最新通知为准"
STALE_CAVEAT = "有效期：文件未规定期限，发布于{year}年，可能已有新政策，请向{lead}确认是否仍在执行"
ENDED_PERIOD = "已结束：这项措施针对{period}，已于{until}到期"
ENDED_ON = "已于{until}到期"
ENDED = "已经到期"
ENDED_SUCCESSOR = "，这项政策已结束，不能再按它申请。有没有接续的新政策，请咨询{units}。"
NOW_VALID = "目前仍有效：{name}有效期至{until}。"
NOW_ENDED = "现在已不能申请：{name}{ended}。"
NOW_STALE = "文件未写明期限：{name}出自{year}年的文件，文件未规定执行期限，可能已有新政策，请向{lead}确认。"
NOW_FACT_ENDED = "不是现行规定：{name}是有期限的安排，{ended}。"
NOW_UNDATED = "文件未写明期限：{name}的文件未规定截止日期，以主管部门最新通知为准。"

# -- how to apply -----------------------------------------------------------------------------------
APPLY_NOT_SAID = "文件未写明申报流程、材料和时限。请向{lead}咨询办理方式和所需材料{hotline}。"
APPLY_SAID = "文件的说法：{sentence}。"
APPLY_MATERIALS_NOT_SAID = "文件未写明所需材料和办理时限，请向{lead}咨询{hotline}。"
APPLY_HOTLINE = "，或拨打{city}12345热线（{number}）"
APPLY_LEAD = "牵头单位：{lead}"

# -- a question the clause does not answer -------------------------------------------------------------
NOT_SAID = "文件未写明{what}：《{name}》的条款没有规定{what}。"
NOT_SAID_ASK = "具体请咨询{lead}。"

# -- state of the conversation ------------------------------------------------------------------------
ASK_CITY = "请问您的企业在哪个城市？目前可查询：{cities}。"
ASK_WHAT = "好的，查询{city}的政策。您想了解哪方面？"
CHOICE_WITHOUT_LIST = "您想看哪一项？请先告诉我城市和想查的政策，例如“平顶山有哪些奖励补贴”，我列出清单后回复序号即可。"
CHOICE_OUT_OF_RANGE = "上面的列表只有{count}项，请回复1到{count}之间的序号。"
REFUSED_FIGURE = "{reason}。请告诉我大于0的实际数额，例如“融资8亿”“营收6000万”“月租1.2万”。"
PROFILE_ASK_CITY = "好的，记下了企业情况。请问企业在哪个城市？目前可查询：{cities}。"
BROADER_NOTE = "{city}的政策没有专门针对{narrow}的条款，以下是{broad}企业可享受的："
OTHER_PLACE_UNDER = (
    "政策库没有{place}市本级的政策文件；{place}下辖的{names}有收录（{names}的政策只适用于在{names}注册的企业）。"
    "目前可查询：{cities}。"
)
OTHER_PLACE = "暂未收录{place}的政策。目前可查询：{cities}。请选择城市："
SMALL_ENTERPRISE_LEFT_OUT = "另有{count}项需规模以上企业才能申请，未列出。"

# -- judge -------------------------------------------------------------------------------------------
VERDICT_FITS = "符合，可以享受：{name}，{reason}。"
VERDICT_DOES_NOT_FIT = "不符合，不能享受：{reason}，所以{name}不适用于您。"
VERDICT_UNKNOWN = "还需确认：{name}要看{reason}。"
VERDICT_ASK = "请告诉我{facts}，我帮您判断。"
VERDICT_NO_TERMS = "还需确认：文件对{name}没有可逐项核对的门槛，条件原文是：{eligibility}。"
VERDICT_REQUIRES = "条件：{conditions}"
VERDICT_TYPES = "{name}的对象是{types}"
FACT_MINE = "您的{label}是{mine}，条款要求{condition}"

# -- compare, rank, total ----------------------------------------------------------------------------
COMPARE_HEAD = "各地“{topic}”对比："
COMPARE_LINE = "· {city}：{figure}（{name}）"
COMPARE_FIGURES_HEAD = "{name}，按您的数额对比："
COMPARE_FIGURE_LINE = "· {given}：{amount}（{working}）"
COMPARE_DIFFERENCE = "相差：{difference}（{larger}比{smaller}多）。"
COMPARE_NO_AMOUNT = "· {city}：文件未写明金额（{name}：{summary}）"
COMPARE_NONE = "· {city}：政策库中没有对应条款"
COMPARE_MAX = "{city}最多：{amount}，比{other}多{difference}。"
COMPARE_EQUAL = "两地相同：都是{amount}。"
RANK_HEAD = "{scope}企业可得金额从高到低："
RANK_LINE = "{i}. {name}：{amount}"
TOTAL_HEAD = "合计最多可得：{amount}"
TOTAL_WORKING = "计算：{working}"
TOTAL_PART = "· {name}：{amount}"
TOTAL_NOT_STACKED = "· {name}：与{other}不重复享受，按较高的一项计"
TOTAL_UNKNOWN_PART = "· {name}：{missing}"
STILL_PAY = "您自己仍需支付：{amount}（计算：{working}）"

# -- footers ------------------------------------------------------------------------------------------
RELATED_HEADING = "相关政策："
