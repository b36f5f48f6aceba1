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
ASK_WHICH_MEASURE = "您问的是{city}哪一项政策？请说出政策名称，或先选一个方面："
CHOICE_WITHOUT_LIST = "您想看哪一项？请先告诉我城市和想查的政策，例如“平顶山有哪些奖励补贴”，我列出清单后回复序号即可。"
CHOICE_OUT_OF_RANGE = "上面的列表只有{count}项，请回复1到{count}之间的序号。"
REFUSED_AMOUNT = "“{text}”不是有效的金额：{reason}"
KEY_POINT = "原文要点：{point}"
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
VERDICT_FITS_ENDED = "按条件您本来符合（{reason}），但政策已结束，现在不能再按它申请。"
VERDICT_DOES_NOT_FIT = "不符合，不能享受：{reason}，所以{name}不适用于您。"
VERDICT_UNKNOWN = "还需确认：{name}要看{reason}。"
VERDICT_ASK = "请告诉我{facts}，我帮您判断。"
VERDICT_UNCHECKED = "还需确认：{name}您已满足{met}，但条款还要求{conditions}，请按实际情况核对。"
VERDICT_NO_TERMS = "还需确认：文件对{name}没有可逐项核对的门槛，条件原文是：{eligibility}。"
VERDICT_REQUIRES = "条件：{conditions}"
VERDICT_TYPES = "{name}的对象是{types}"
FACT_MINE = "您的{label}是{mine}，条款要求{condition}"

# -- compare, rank, total ----------------------------------------------------------------------------
COMPARE_HEAD = "各地“{topic}”对比："
COMPARE_LINE = "· {city}：{figure}（{name}）"
COMPARE_KIND_LINE = "· {city}：{name}——{figure}（{state}）"
COMPARE_FIGURES_HEAD = "{name}，按您的数额对比："
COMPARE_FIGURE_LINE = "· {given}：{amount}（{working}）"
COMPARE_DIFFERENCE = "相差：{difference}（{larger}比{smaller}多）。"
COMPARE_ALSO = "· {city}另有：{figure}（{name}）"
COMPARE_NO_AMOUNT = "· {city}：文件未写明金额（{name}：{summary}）"
COMPARE_NONE = "· {city}：政策库中没有对应条款"
COMPARE_MAX = "{city}最多：{amount}，比{other}多{difference}。"
COMPARE_EQUAL = "两地相同：都是{amount}。"
RANK_HEAD = "{scope}企业可得金额从高到低："
RANK_TOPICS_HEAD = "按文件中的数额，从高到低："
RANK_TOPIC_NONE = "· {topic}：文件未写明数额"
RANK_ITEMS_HEAD = "{name}，从多到少："
RANK_LINE = "{i}. {name}：{amount}"
TOTAL_HEAD = "合计可得：{amount}"
TOTAL_WORKING = "计算：{working}"
TOTAL_PART = "· {name}：{amount}"
TOTAL_NOT_STACKED = "· {name}：与{other}不重复享受，按较高的一项计"
SOURCES_OF_DOCUMENT = "出处：{document}：{clauses}"
TOTAL_NO_AMOUNT = "文件未列金额，未计入"
TOTAL_UNKNOWN_PART = "· {name}：{missing}"
WHERE_HEAD = "按您说的情况（{said}），各城市可享受的估算（只计有金额的项目）："
WHERE_CITY = "【{city}】合计约{total}（{count}项）"
WHERE_CITY_NONE = "【{city}】按您说的情况，没有仍有效、可估算金额的项目"
WHERE_TABLE_NONE = "没有仍有效、可估算金额的项目"
WHERE_LINE = "· {name}：{amount}{mark}"
WHERE_TO_CONFIRM = "（{depends}）"
WHERE_DEPENDS_OPEN = "待确认：{conditions}"
WHERE_DEPENDS_TEXT = "以条件原文为准：{condition}"
WHERE_TABLE_COLUMNS = ("城市", "项目", "估算金额", "取决于")
WHERE_TABLE_TOTAL = "合计"
WHERE_TABLE_COUNT = "{count}项"
WHERE_BEST = "估算最多：{city}，约{total}。"
WHERE_NOTE = "以上为按文件条款的估算，实际以各地主管部门审核为准；回复城市名可看该地的详细条件和出处。"
WHO_PAYS_NO = "不是：{place}的这类资金{share}。"
WHO_PAYS_YES = "是的：{place}的这类资金{share}。"
WHO_PAYS_PLACE = "{place}：这类资金{share}。"
WHO_PAYS_UNSAID = "文件未写明{name}由哪一级财政出资；可向下面的牵头单位确认。"
WHO_PAYS_ASK_PLACE = "要看企业在哪个县（市、区）：文件按地方分别规定，告诉我所在县区我直接告诉您。"
WHO_PAYS_RULE = "· {places}：{share}"
STILL_PAY = "您自己仍需支付：{amount}（计算：{working}）"

# -- footers ------------------------------------------------------------------------------------------
RELATED_HEADING = "相关政策："

# == moved from formatting.py: answer cards, lists, documents ========================================
DEFAULT_UNIT = "当地工业和信息化部门"  # whom to ask when a measure names no 责任单位
# Labels that open a line of a card.
LABEL_ELIGIBILITY = "对象："
LABEL_CONDITIONS = "条件："
LABEL_REQUIREMENTS = "需满足："
LABEL_THRESHOLDS = "门槛："
LABEL_DEPARTMENTS = "责任单位："
LABEL_SOURCE = "出处："
LABEL_CLAUSE = "原文："
LABEL_NOTE = "说明："
LABEL_DOC_NUMBER = "文号："
LABEL_ISSUER = "发文单位："
LABEL_PUBLISHED = "发布日期："
DEPARTMENTS_NOT_LISTED = "文件未列明，可咨询{unit}"
SUCCESSOR_UNITS = "牵头单位{lead}，或{others}"
# The figure lines of an answer computed from the owner's figures, and the offer to compute one.
CALC_UPTO = "最高{gives}：{amount}"
CALC_AMOUNT = "{gives}：{amount}"
GIVES_IF_ELIGIBLE = "若符合条件，{gives}"
CALC_WORKING = "计算：{working}"
CALC_TOTAL = "合计可得：{amount}（{working}）"
FIGURES_HINT = "（告诉我{needed}，我帮您算出具体金额）"
# A card's status, after its title, and the one-word tag of a list entry.
STATUS_YEAR = "{year}年文件"
STATUS_NO_YEAR = "文件未载明年份"
STATUS_ENDED = "已于{until}到期，{year}"
STATUS_VALID = "有效至{until}，{year}"
STATUS_STALE = "文件未规定期限，发布于{year}年，请确认是否仍执行"
STATUS_UNDATED = "文件未规定期限，{year}"
TAG_ENDED = "已过期"
TAG_VALID = "有效"
TAG_STALE = "期限未定"
EXPIRED_MARK = "（已过期）"
# Lists.
SEVERAL_HEAD = "【{city}】您问到的{count}项政策："
SEVERAL_LINE = "{i}. {name}：{figure}（{state}）"
SEVERAL_SOURCE = "   出处：{source}；责任单位：{units}"
SEVERAL_NO_UNITS = "见原文"
SEVERAL_ONE_DOCUMENT = "以上均出自{document}。"
PICK_BY_NUMBER = "回复序号可看某一项的详细条件、责任单位和出处。"
CONTACT_LEAD_FIRST = "建议先联系排在第一位的牵头单位。"
PER_CITY_HEAD = "各地“{topic}”政策要点："
PER_CITY_ASK = "您是哪个城市的企业？选择城市后我给出条件、有效期、责任单位和出处。"
OVERVIEW_MAIN = "主要"
OVERVIEW_HEAD = "{city}的{label}政策（共列{count}条，问具体一条可得详细条件和出处）："
# No record answers the question.
PASSAGE_HEAD = "【{city}】政策库中没有与此直接对应的惠企条目，原文中最相关的是："
PASSAGE_NOTE = "该句不是给企业的具体奖补标准，仅供参考。{ask}"
PASSAGE_ASK = "具体适用请咨询{city}{units}。"
NOT_FOUND = (
    "政策库里没有找到{city}与“{question}”对应的条款。{ask}。"
    "您也可以换个说法，或问问奖励补贴、贷款融资、社保、税费、房租水电等方面。"
)
NOT_FOUND_ASK_UNITS = "可咨询{city}{units}"
NOT_FOUND_ASK_HOTLINE = "可拨打{city}{hotline}（{number}）咨询"
NOT_FOUND_ASK_DEFAULT = "可咨询{city}相关主管部门"
# Documents.
NO_DOC_NUMBER = "该文件原文未载明文号"
NO_PUBLISHED = "原文未载明"
DOC_VALIDITY_NONE = "有效期：文件未规定统一有效期，各条款以所列期限为准"
DOC_VALIDITY_ENDED = "有效期：至{until}，已过期"
DOC_VALIDITY_VALID = "有效期：至{until}，仍有效"
DOCUMENTS_OF_CITY = "{city}收录的政策文件："
DOCUMENTS_ALL = "政策库收录{count}份文件："
EXCERPT_MARK = "……（节选）"
APPLY_ASK = "办理：文件未规定申报流程和材料，请向{lead}咨询申报时间和所需材料。"

# == moved from citations.py ===========================================================================
SOURCE_LINK_LABEL = "查看原文"
NO_NUMBER = "文号未载明"
NO_DATE = "发布日期未载明"

# == moved from hotline.py =============================================================================
HOTLINE_NAME = "12345政务服务便民热线"
NO_DEPARTMENT_PHONES = "数据库只收录责任单位，没有部门电话"
HOTLINE_OF_CITY = "{city}{hotline}：{number}（在当地可直接拨打12345）"
HOTLINE_LOCAL = "当地的{hotline}"
HOTLINE_EVERY_CITY = "当地的{hotline}（在当地可直接拨打12345，外地加区号）：{listed}"
PHONE_ASKED = "{no_phones}；电话咨询可拨打{hotline}。"

# == moved from checkup.py: 政策体检 ===================================================================
CHECKUP_NONE = (
    "按您说的情况（{city}，{said}），政策库里没有找到对应的{city}政策。"
    "可以说说企业的资质（专精特新、高新技术企业、规上）、计划（上市、技改、招聘）或营业收入。"
)
CHECKUP_HEAD = "【{city}·政策体检】按您说的情况（{said}），可能享受以下{count}项："
CHECKUP_LINE = "{i}. {name}：{figure}（{mark}；{state}）"
CHECKUP_FITS = "符合"
CHECKUP_TO_CONFIRM = "待确认"
CHECKUP_CONDITION = "   条件：{reason}"
CHECKUP_ASK = "告诉我{labels}，我可以帮您确认其余几项。"

# == moved from introduction.py: what the bot says about itself =======================================
GREETING = "您好！我是政策通，可以帮您查{cities}的惠企政策：{kinds}，以及找哪个部门办理。请直接提问{example}"
FOR_EXAMPLE = "，比如“{example}”。"
FOR_INSTANCE = "，例如“{example}”。"
SENTENCE_END = "。"
CAPABILITIES_HEAD = "我能回答这些惠企政策问题（{cities}）："
CAPABILITIES_KIND = "{number}. {label}：{topics}等"
CAPABILITIES_ASPECTS = "{number}. 要什么条件、找哪个部门、政策到什么时候"
CAPABILITIES_ASK = "告诉我城市和想问的事{example}给出融资额或营收，我会按档位算出金额。"
REPHRASE = "抱歉，我没太明白。可以换个说法吗？{examples}"
REPHRASE_EXAMPLES = "比如{questions}。"
REPHRASE_NO_EXAMPLE = "请说明城市和想问的政策。"
CONTACT_EXAMPLE = "{city}{topic}该找哪个部门"
CHINESE_ONLY = "目前仅支持中文提问。请用中文描述您的问题{example}（Please ask in Chinese.）"
OUT_OF_SCOPE = "抱歉，这个问题不在我的服务范围内。我只解答{cities}的惠企政策，比如{kinds}和办理部门。"
KIND_IN_CITY_QUESTION = "{city}有哪些{label}政策"  # what a topic button sends

# == moved from action_base.py =========================================================================
SERVICE_UNAVAILABLE = (
    "抱歉，政策数据库暂时无法访问，请稍后再试。急需办理可先联系当地工业和信息化局、财政局或人力资源和社会保障局。"
)

# == moved from contact.py: 转人工 =====================================================================
LEAVE_MESSAGE_BUTTON_TITLE = "我要留言"
CONTACT_HOTLINE = "人工咨询、投诉建议请拨打{hotline}。"
CONTACT_SUBJECT_UNITS = "{name}的责任单位是{units}（{no_phones}）。"
CONTACT_LEAVE_MESSAGE = "也可以在这里留言：回复“留言”，写下问题和联系电话，工作人员会看到。"

# == moved from profile.py =============================================================================
NOTED_OF_CITY = "{city}的"
NOTED_ENTERPRISE = "企业"
NOTED_ASK_TOPIC = "好的，记下了：{noted}。您想了解哪方面的政策？"
NOTED_ASK_CITY = "好的，记下了：{noted}。请问企业在哪个城市？目前可查询：{cities}。"

# == moved from leave_message.py: 留言 ==================================================================
MESSAGE_CANCELLED = "好的，这条留言不留了。需要人工咨询可拨打{hotline}。"
MESSAGE_NO_PHONE_SEEN = "没有看到电话号码。"
MESSAGE_STORE_FAILED = "抱歉，留言系统暂时出了故障，这条留言没有保存成功。请稍后再试，或直接拨打{hotline}。"
MESSAGE_LEFT_WITH_PHONE = "已记下您的留言（编号{id}），工作人员处理后会打{phone}联系您。急事可拨打{hotline}。"
MESSAGE_LEFT_WITHOUT_PHONE = "已记下您的留言（编号{id}）。您没有留电话，工作人员无法回电，需要答复请拨打{hotline}。"

# -- the message form's phone question (actions/leave_message.py) --------------------------------------------
ASK_PHONE_WITH_NOTICE = (
    "方便留个电话吗？工作人员可以打给您。请回复手机号或带区号的座机号；不留电话请回复“不留”。"
    "（电话只用于回电答复您的问题，只有负责答复的工作人员能看到，留言和电话保存{days}天后删除。）"
)
