"""REP002 stutter: a word doubled in place (``检查检查``, ``the the``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from dedup.model import Edit, Finding, Fix, Severity, Span
from dedup.rules import register
from dedup.rules._repeats import (
    CJK,
    DeletionGuard,
    cjk_run,
    compiled,
    dirty_scope,
    fold,
    is_numeric_char,
    live_blocks,
    normalize_allow,
    prefiltered,
    words_meet_memo,
)
from dedup.rules.base import Context, Rule

# --- legitimate doubling -------------------------------------------------------------------


def _wordlist(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Characters that Chinese doubles on purpose (AA): nouns meaning "every" (人人, 天天),
#: adverbs (常常, 渐渐), kinship terms (妈妈), tentative verbs (看看), descriptive
#: reduplicates (茫茫, 勃勃).  A doubling of one of these is never reported.
AA_ALLOWED = frozenset(
    "人家户村天年月日夜时刻处事件样个种条层级步代世辈声句字点片丝滴颗粒朵张本篇页行对双两三万千"
    "常渐往刚恰偏明白仅单统通整足满稍略微默悄暗静深紧牢稳好慢轻早迟快远高大小多少长短重"
    "匆纷频连屡久徐缓款依恋孜兢勤恳战滔侃振津井历欣蒸勃熠炯赫轰烈浩荡沸扬洋洒郁葱密麻"
    "茫苍莽绵脉冥区草悠遥迢济芸沉昏蒙淅沥翩皑袅潺涓闪亭彬落楚奄惶耿拳殷谆循源滚生息"
    "哈嘻呵嘿啦咚嘀隆喃嗷汪喵叽喳咕呼嗡哗爸妈哥姐弟妹爷奶姥叔伯舅姑婶婆公太宝娃星猩蝈乖毛"
    "看想说听走试谈聊等问找学写读做玩跳笑坐转逛尝摸拍洗擦帮劝管算比查摆敲谢歇瞧望动练挑选改猜数"
    "理闻翻扫叫唱跑抱亲握弄搞拉推放收关开冲心超"
    "红绿蓝黄黑青香甜热凉冷暖干净清实真切正当端齐舒服痛安和美团圆平"
)

#: Two-character words doubled on purpose (ABAB): tentative verbs (研究研究, 讨论讨论),
#: intensified adjectives (雪白雪白), dialogue (谢谢谢谢 is AAAA, handled apart).
ABAB_ALLOWED = _wordlist(
    """研究 讨论 考虑 商量 学习 休息 了解 介绍 锻炼 打扫 整理 收拾 准备 比较 练习 放松 思考 体验
    尝试 反思 琢磨 打听 请教 指点 安慰 鼓励 表扬 打扮 梳理 清理 感受 品尝 享受 欣赏 议论 合计 掂量
    凉快 暖和 高兴 热闹 舒服 轻松 快活 痛快 清静 乐呵 亲热 雪白 通红 冰凉 笔直 漆黑 碧绿 火红
    金黄 蜡黄 湛蓝 蔚蓝 粉红 滚烫 冰冷 喷香 锃亮 透亮 乌黑 煞白 血红 鲜红 嫩绿 翠绿 雪亮 笔挺
    不是 没有 没事 不要 不用 不会 真的 好的 对的 是的 快点 慢点 等等 再见 你好 加油 小心"""
)

#: Characters that usually end a word (产业, 理性, 现代化, 学者): a doubled "word" that opens
#: with one of these is more likely two words meeting (产业|创业|创新) than a stutter.
_WORD_FINAL = frozenset("业性化者员家区场型式度率量力部局界类品们级制费价值权法论")

#: Onomatopoeia characters: 滴答滴答, 扑通扑通 are sounds, not faults.
_SOUND_CHARS = frozenset("叮咚哗啦嘀嗒滴答扑通咕噜呼轰隆叽喳嘻哈呵嘿嗡嘟咔嚓噼啪乒乓砰咣当啷呜哇嘘吱嘎叭")

#: Particles and verbs around an ABAB verb reduplication (让我们研究研究吧, 去看看走走).
_ABAB_BEFORE = ("让", "请", "咱", "可以", "应该", "需要", "我们", "大家", "一起", "好好")
_ABAB_AFTER = ("吧", "吗", "呢", "啊", "嘛", "了", "一下", "看", "再", "又")

#: English words that legitimately stand twice (proselint's exceptions and friends).
LATIN_ALLOWED = _wordlist(
    """had that her bye very ha hah ho hee tut tsk boo knock chop hear bla blah yada ta tom walla bora pago
    baden sing wagga mahi aye hip din dum dee la ba pom uh ah oh mm hmm hm tick far long many really
    bang beep buzz choo ding dong fifty goody hush kiss pooh quack rah tap toot yum cha murmur bonbon
    tsetse dik gee"""
)
_FUNCTION_WORDS = _wordlist(
    "the a an of to in on at by for from with and or but is are was were be as it its this that which"
)

# patterns compiled on first use (compiled()): compiling at import costs every start-up
_CJK_UNIT = f"([{CJK}]{{2,4}})\\1"
_CJK_AA = f"([{CJK}])\\1"
_LATIN = "A-Za-z\u00c0-\u024f"
_LATIN_DOUBLE = rf"(?<![\w'’\-])([{_LATIN}]+(?:['’][{_LATIN}]+)?)(\s+)(\1)(?![\w'’\-])"
_NEXT_LINE = r"[ \t]*(?:\r\n|\r|\n)[ \t]*([^\W\d_])"
#: Where a CJK item starts: a single doubled character right after one of these is suspicious.
_ITEM_START = frozenset("、，,；;：:。！？!?（(“\"《 \t\u3000\n\r")


@register
class Stutter(Rule):
    """A word doubled in place: ``检查检查``, ``the the``.

    OCR and line wrapping double a word: a two-to-four-character CJK word
    (``安全检查检查`` → ``安全检查``), or a Latin word, case-insensitively and across
    a line break (``the\\nthe``).  The second copy is removed, keeping the line
    structure; a short second copy at the end of a line followed by a lower-case
    fragment (``in in\\nformal``) may be a word broken across the line, so it is
    only reported.  Chinese doubles words on purpose, so these are left alone:
    single characters (``人人``, ``天天``; an unusual doubling at the start of an
    item such as ``中中医`` is reported as info, without a fix), AABB forms
    (``干干净净``), ABAB verb and adjective reduplication (``研究研究``, ``雪白雪白``),
    measure-word repetition (``一个一个``) and numbers; in English, doublings such
    as ``had had`` and ``that that``.  Add your own under the ``allow`` option.

    Anti-pattern:
        ``全力做好赛事活动组织、安全检查检查、城市形象宣传等工作。``

    Best practice:
        ``全力做好赛事活动组织、应急演练、城市形象宣传等工作。``
    """

    code = "REP002"
    name = "stutter"
    kind = "stutter"
    groups = ("repeats",)
    fixable = True
    phase = 40
    default_severity = Severity.WARNING
    options: ClassVar[dict[str, Any]] = {"allow": []}
    examples_bad: ClassVar[tuple[tuple[str, str | None], ...]] = (
        ("做好赛事活动组织、安全检查检查、城市形象宣传等工作。", "做好赛事活动组织、安全检查、城市形象宣传等工作。"),
        ("加快市人民医院医院项目建设。", "加快市人民医院项目建设。"),
        ("The council met in the\nthe city hall.", "The council met in the\ncity hall."),
        ("推进市中医药研究院、中中医建设。", None),
    )
    examples_good: ClassVar[tuple[str, ...]] = (
        "人人享有基本医疗卫生服务，天天向上。",
        "把街道打扫得干干净净。",
        "这个问题我们要研究研究。",
        "一个一个地解决，一步一步地推进。",
        "He had had enough; he said that that was final.",
        "2020年，2020年度预算。",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        allow = normalize_allow(ctx.option(self, "allow"))
        guard = DeletionGuard(ctx.planned_deletions())
        phrase_spans = DeletionGuard(
            s for f in ctx.findings if f.rule == "REP001" for s in (f.span, *f.related)
        )
        scope = dirty_scope(ctx, self.code)
        if scope is None:
            # the first pass of a clean starts the record of doublings found words meeting even
            # if it finds none, so that later passes can rely on it (see _repeats._stutter_reach)
            words_meet_memo(ctx)
            flagged = prefiltered(ctx, self.code)
            blocks = live_blocks(ctx)
        else:
            # a later pass of clean: the blocks where the text changed, and those holding a CJK
            # doubling whose _words_meet window reaches a change (see _repeats.dirty_scope)
            blocks, flagged = scope
        for block in blocks:
            if flagged is None:
                found = self._check_block(ctx, block.text, block.start, allow)
            elif block.index not in flagged:
                continue
            else:
                found = self._check_parts(ctx, block.text, block.start, allow, flagged[block.index])
            for finding in found:
                region = Span(min(finding.span.start, *(r.start for r in finding.related)), finding.span.end)
                if guard.hits(region.start, region.end) or phrase_spans.hits(region.start, region.end):
                    continue
                yield finding

    def _check_block(self, ctx: Context, raw: str, base: int, allow: frozenset[str]) -> Iterator[Finding]:
        """The reference: the three scans over the whole block."""
        yield from self._cjk_words(ctx, raw, base, allow)
        yield from self._cjk_chars(ctx, raw, base, allow)
        yield from self._latin(ctx, raw, base, allow)

    def _check_parts(
        self, ctx: Context, raw: str, base: int, allow: frozenset[str], flagged: object
    ) -> Iterator[Finding]:
        """The same scans over the parts of a block where the prefilter found a candidate.

        A CJK doubling lies inside one run of CJK characters, so the whole run around a
        candidate is scanned: the matches there are those of the whole block.  A Latin
        doubling is two consecutive words, and the scan covers each candidate pair with the
        character after it, merged with any overlapping pair (see ``_rep002_positions``).
        """
        if flagged is None:
            yield from self._check_block(ctx, raw, base, allow)
            return
        assert isinstance(flagged, tuple)
        cjk_positions, latin_spans = flagged
        runs = _merge(cjk_run(raw, p) for p in sorted(cjk_positions))
        for pos, endpos in runs:
            yield from self._cjk_words(ctx, raw, base, allow, pos, endpos)
        for pos, endpos in runs:
            yield from self._cjk_chars(ctx, raw, base, allow, pos, endpos)
        for pos, endpos in _merge((s, min(e, len(raw))) for s, e in sorted(latin_spans)):
            yield from self._latin(ctx, raw, base, allow, pos, endpos)

    def _cjk_words(
        self, ctx: Context, raw: str, base: int, allow: frozenset[str], pos: int = 0, endpos: int | None = None
    ) -> Iterator[Finding]:
        meets = words_meet_memo(ctx)
        for m in compiled(_CJK_UNIT).finditer(raw, pos, len(raw) if endpos is None else endpos):
            unit = m.group(1)
            s, e = m.start(), m.end()
            u = len(unit)
            if len(set(unit)) == 1 or unit in allow or unit * 2 in allow:
                continue
            if is_numeric_char(unit[0]) or any(ch.isdigit() for ch in unit):
                continue
            if any(ch in _SOUND_CHARS for ch in unit):
                continue
            # a third copy: chanting or a pattern, not a doubling
            if raw.startswith(unit, e) or (s >= u and raw[s - u : s] == unit):
                continue
            if u == 2 and _intended_abab(raw, s, e, unit):
                continue
            run_end = e
            while run_end < len(raw) and raw[run_end] == raw[run_end - u]:
                run_end += 1
            if _words_meet(ctx.text, base + s, base + run_end, unit):
                if meets is not None:
                    # a change within _WINDOW characters may tip the balance on a later pass; the
                    # doubling with a few characters around it is what a later pass looks for
                    meets.add(raw[max(0, s - _CONTEXT) : min(len(raw), run_end + _CONTEXT)])
                continue
            text = ctx.text
            keep = Span(base + s, base + s + u)
            if u == 2 and unit[0] in _WORD_FINAL:
                # 产业创业创新: a unit opening with a suffix-like character (业, 性, 化) is most
                # likely the end of one word and the start of the next; without a lexicon,
                # report it for review rather than delete
                yield self.finding(
                    ctx,
                    Span(base + s + u, base + e),
                    f"possible doubled word {unit + unit!r}, or words meeting; check the scan",
                    confidence=0.4,
                    related=(keep,),
                    evidence={"word": unit, "script": "cjk"},
                    severity=Severity.INFO,
                )
                continue
            fix = Fix((Edit.delete(text, base + s + u, base + e),), keeps=(keep,))
            yield self.finding(
                ctx,
                Span(base + s + u, base + e),
                f"word doubled: {unit + unit!r} (remove one {unit!r})",
                confidence=0.9 if u >= 3 else 0.85,
                related=(keep,),
                evidence={"word": unit, "script": "cjk"},
                fix=fix,
            )

    def _cjk_chars(
        self, ctx: Context, raw: str, base: int, allow: frozenset[str], pos: int = 0, endpos: int | None = None
    ) -> Iterator[Finding]:
        for m in compiled(_CJK_AA).finditer(raw, pos, len(raw) if endpos is None else endpos):
            ch = m.group(1)
            s, e = m.start(), m.end()
            if ch in AA_ALLOWED or is_numeric_char(ch) or ch in _SOUND_CHARS or ch * 2 in allow or ch in allow:
                continue
            # only a doubling that opens an item and runs into a word (、中中医) looks like a fault;
            # inside a run it is usually two words meeting (人民民主, 中国国际)
            if s > 0 and raw[s - 1] not in _ITEM_START:
                continue
            if e >= len(raw) or not _is_cjk(raw[e]):
                continue
            # AABB (干干净净) and AAA
            if raw[e] == ch or (e + 1 < len(raw) and raw[e] == raw[e + 1]):
                continue
            # the word runs on from the second character (中医), so the first is the odd one
            yield self.finding(
                ctx,
                Span(base + s, base + s + 1),
                f"character doubled: {ch + ch!r} (a single-character doubling may be intended; check the scan)",
                confidence=0.4,
                related=(Span(base + s + 1, base + e),),
                evidence={"word": ch, "script": "cjk"},
                severity=Severity.INFO,
            )

    def _latin(
        self, ctx: Context, raw: str, base: int, allow: frozenset[str], pos: int = 0, endpos: int | None = None
    ) -> Iterator[Finding]:
        text = ctx.text
        for m in compiled(_LATIN_DOUBLE, re.IGNORECASE).finditer(raw, pos, len(raw) if endpos is None else endpos):
            first, sep, second = m.group(1), m.group(2), m.group(3)
            word = fold(first)
            if word in LATIN_ALLOWED or word in allow or f"{word} {word}" in allow:
                continue
            if len(word) < 2 and word != "a":
                continue
            s1, e1 = m.start(1), m.end(1)
            s2, e2 = m.start(3), m.end(3)
            mid_sentence = s1 > 0 and not _sentence_start(raw, s1)
            # Title Case twice mid-sentence is a name (Sing Sing, Walla Walla): report only
            name_like = first[0].isupper() and second[0].isupper() and not second.isupper() and mid_sentence
            # "only in in\nformal", "to To\npeka": a short second copy ending its line may be
            # the head of a word broken across the line (in|formal) whose hyphen OCR lost
            nxt = compiled(_NEXT_LINE).match(raw, e2)
            same_line = "\n" not in sep and "\r" not in sep
            broken = same_line and len(second) <= 3 and nxt is not None and nxt.group(1).islower()
            uncertain = name_like or broken
            if "\n" in sep or "\r" in sep:
                # keep the line break: drop the second copy with the spaces after it
                end = e2
                while end < len(raw) and raw[end] in " \t":
                    end += 1
                drop = (s2, end) if end > e2 and end < len(raw) else (e1, e2)
            else:
                drop = (e1, e2)
            fix = None
            if not uncertain:
                fix = Fix(
                    (Edit.delete(text, base + drop[0], base + drop[1]),),
                    keeps=(Span(base + s1, base + e1),),
                )
            yield self.finding(
                ctx,
                Span(base + drop[0], base + drop[1]),
                f"word doubled: {first!r} {second!r}" + (" (or a word broken across the line)" if broken else ""),
                confidence=(0.95 if word in _FUNCTION_WORDS else 0.85) if not uncertain else 0.4,
                related=(Span(base + s1, base + e1),),
                evidence={"word": first, "script": "latin"},
                fix=fix,
                severity=Severity.INFO if uncertain else None,
            )


def _is_cjk(ch: str) -> bool:
    """Whether ``ch`` is in the CJK class of the patterns above."""
    return "\u3400" <= ch <= "\u4dbf" or "\u4e00" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with the overlapping or touching ones merged."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _intended_abab(raw: str, s: int, e: int, unit: str) -> bool:
    """Whether ``unit``×2 at ``raw[s:e]`` reads as deliberate reduplication."""
    if unit in ABAB_ALLOWED:
        return True
    if raw.endswith(_ABAB_BEFORE, 0, s):
        return True
    return raw.startswith(_ABAB_AFTER, e)


#: How far around a doubling to look for how its characters are otherwise grouped.
_WINDOW = 20000
#: Characters of its block on each side of a doubling that _words_meet explains, kept in ctx.memo
#: (a longer string is quicker to find again: str.find skips by its length).
_CONTEXT = 12


def _words_meet(text: str, start: int, end: int, unit: str) -> bool:
    """Whether a square is words meeting across it rather than a word doubled.

    ``产业创业创新`` contains ``业创业创``, but the words are 产业|创业|创新: the
    square's rotation ``创业`` is what the text around uses, not ``业创``.  A
    rotation more frequent than the unit itself in the surrounding text (outside
    the periodic run ``[start, end)``) reveals this.  The window keeps the cost linear.
    """
    u = len(unit)
    lo = max(0, start - _WINDOW)
    hi = min(len(text), end + _WINDOW)
    before = text[lo:start]
    after = text[end:hi]
    unit_count = before.count(unit) + after.count(unit)
    for r in range(1, u):
        rotation = unit[r:] + unit[:r]
        if before.count(rotation) + after.count(rotation) > unit_count:
            return True
    return False


def _sentence_start(raw: str, pos: int) -> bool:
    j = pos - 1
    while j >= 0 and raw[j] in " \t\r\n\"'“‘([":
        j -= 1
    return j < 0 or raw[j] in ".!?:;"
