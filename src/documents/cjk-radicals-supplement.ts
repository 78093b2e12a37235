/**
 * CJK Radicals Supplement (U+2E80–U+2EF3) → the unified ideograph each radical form stands for.
 *
 * Why: PDF producers that subset CJK fonts often map glyphs back to radical code points in the
 * ToUnicode table, so text extracted from a PDF reads `人⺠` instead of `人民`, which neither the
 * analyzer nor a user's query will ever match. NFKC folds the Kangxi Radicals block (U+2F00–U+2FD5)
 * because every Kangxi radical has a compatibility decomposition, but in the Supplement block only
 * U+2E9F ⺟ and U+2EF3 ⻳ have one, so we map the rest here.
 *
 * Source: the Unicode Character Database file `EquivalentUnifiedIdeograph.txt` (by Ken Lunde;
 * https://www.unicode.org/Public/UCD/latest/ucd/EquivalentUnifiedIdeograph.txt), every mapping for
 * U+2E81..U+2EF3, copied entry for entry. U+2E80 and U+2E9A have no equivalent there and are left
 * as they are. Note the UCD's choices can surprise: ⻏ U+2ECF (RADICAL CITY) maps to 邑, not 阝.
 */
export const CJK_RADICALS_SUPPLEMENT: ReadonlyMap<string, string> = new Map([
  ['\u2E81', '\u5382'], // ⺁ → 厂
  ['\u2E82', '\u4E5B'], // ⺂ → 乛
  ['\u2E83', '\u4E5A'], // ⺃ → 乚
  ['\u2E84', '\u4E59'], // ⺄ → 乙
  ['\u2E85', '\u4EBB'], // ⺅ → 亻
  ['\u2E86', '\u5182'], // ⺆ → 冂
  ['\u2E87', '\u{20628}'], // ⺇ → 𠘨
  ['\u2E88', '\u5200'], // ⺈ → 刀
  ['\u2E89', '\u5202'], // ⺉ → 刂
  ['\u2E8A', '\u535C'], // ⺊ → 卜
  ['\u2E8B', '\u353E'], // ⺋ → 㔾
  ['\u2E8C', '\u5C0F'], // ⺌ → 小
  ['\u2E8D', '\u5C0F'], // ⺍ → 小
  ['\u2E8E', '\u5140'], // ⺎ → 兀
  ['\u2E8F', '\u5C23'], // ⺏ → 尣
  ['\u2E90', '\u5C22'], // ⺐ → 尢
  ['\u2E91', '\u{21BC2}'], // ⺑ → 𡯂
  ['\u2E92', '\u5DF3'], // ⺒ → 巳
  ['\u2E93', '\u5E7A'], // ⺓ → 幺
  ['\u2E94', '\u5F51'], // ⺔ → 彑
  ['\u2E95', '\u5F50'], // ⺕ → 彐
  ['\u2E96', '\u5FC4'], // ⺖ → 忄
  ['\u2E97', '\u5FC3'], // ⺗ → 心
  ['\u2E98', '\u624C'], // ⺘ → 扌
  ['\u2E99', '\u6535'], // ⺙ → 攵
  ['\u2E9B', '\u65E1'], // ⺛ → 旡
  ['\u2E9C', '\u65E5'], // ⺜ → 日
  ['\u2E9D', '\u6708'], // ⺝ → 月
  ['\u2E9E', '\u6B7A'], // ⺞ → 歺
  ['\u2E9F', '\u6BCD'], // ⺟ → 母
  ['\u2EA0', '\u6C11'], // ⺠ → 民
  ['\u2EA1', '\u6C35'], // ⺡ → 氵
  ['\u2EA2', '\u6C3A'], // ⺢ → 氺
  ['\u2EA3', '\u706C'], // ⺣ → 灬
  ['\u2EA4', '\u722B'], // ⺤ → 爫
  ['\u2EA5', '\u722B'], // ⺥ → 爫
  ['\u2EA6', '\u4E2C'], // ⺦ → 丬
  ['\u2EA7', '\u725B'], // ⺧ → 牛
  ['\u2EA8', '\u72AD'], // ⺨ → 犭
  ['\u2EA9', '\u738B'], // ⺩ → 王
  ['\u2EAA', '\u{24D14}'], // ⺪ → 𤴔
  ['\u2EAB', '\u76EE'], // ⺫ → 目
  ['\u2EAC', '\u793A'], // ⺬ → 示
  ['\u2EAD', '\u793B'], // ⺭ → 礻
  ['\u2EAE', '\u{25AD7}'], // ⺮ → 𥫗
  ['\u2EAF', '\u7CF9'], // ⺯ → 糹
  ['\u2EB0', '\u7E9F'], // ⺰ → 纟
  ['\u2EB1', '\u7F53'], // ⺱ → 罓
  ['\u2EB2', '\u7F52'], // ⺲ → 罒
  ['\u2EB3', '\u34C1'], // ⺳ → 㓁
  ['\u2EB4', '\u5197'], // ⺴ → 冗
  ['\u2EB5', '\u{2626B}'], // ⺵ → 𦉫
  ['\u2EB6', '\u7F8A'], // ⺶ → 羊
  ['\u2EB7', '\u{2634C}'], // ⺷ → 𦍌
  ['\u2EB8', '\u{2634B}'], // ⺸ → 𦍋
  ['\u2EB9', '\u8002'], // ⺹ → 耂
  ['\u2EBA', '\u8080'], // ⺺ → 肀
  ['\u2EBB', '\u807F'], // ⺻ → 聿
  ['\u2EBC', '\u8089'], // ⺼ → 肉
  ['\u2EBD', '\u{26951}'], // ⺽ → 𦥑
  ['\u2EBE', '\u8279'], // ⺾ → 艹
  ['\u2EBF', '\u8279'], // ⺿ → 艹
  ['\u2EC0', '\u8279'], // ⻀ → 艹
  ['\u2EC1', '\u864E'], // ⻁ → 虎
  ['\u2EC2', '\u8864'], // ⻂ → 衤
  ['\u2EC3', '\u8980'], // ⻃ → 覀
  ['\u2EC4', '\u897F'], // ⻄ → 西
  ['\u2EC5', '\u89C1'], // ⻅ → 见
  ['\u2EC6', '\u89D2'], // ⻆ → 角
  ['\u2EC7', '\u{278B2}'], // ⻇ → 𧢲
  ['\u2EC8', '\u8BA0'], // ⻈ → 讠
  ['\u2EC9', '\u8D1D'], // ⻉ → 贝
  ['\u2ECA', '\u{27FB7}'], // ⻊ → 𧾷
  ['\u2ECB', '\u8F66'], // ⻋ → 车
  ['\u2ECC', '\u8FB6'], // ⻌ → 辶
  ['\u2ECD', '\u8FB6'], // ⻍ → 辶
  ['\u2ECE', '\u8FB6'], // ⻎ → 辶
  ['\u2ECF', '\u9091'], // ⻏ → 邑
  ['\u2ED0', '\u9485'], // ⻐ → 钅
  ['\u2ED1', '\u9577'], // ⻑ → 長
  ['\u2ED2', '\u9578'], // ⻒ → 镸
  ['\u2ED3', '\u957F'], // ⻓ → 长
  ['\u2ED4', '\u95E8'], // ⻔ → 门
  ['\u2ED5', '\u{28E0F}'], // ⻕ → 𨸏
  ['\u2ED6', '\u961D'], // ⻖ → 阝
  ['\u2ED7', '\u96E8'], // ⻗ → 雨
  ['\u2ED8', '\u9752'], // ⻘ → 青
  ['\u2ED9', '\u97E6'], // ⻙ → 韦
  ['\u2EDA', '\u9875'], // ⻚ → 页
  ['\u2EDB', '\u98CE'], // ⻛ → 风
  ['\u2EDC', '\u98DE'], // ⻜ → 飞
  ['\u2EDD', '\u98DF'], // ⻝ → 食
  ['\u2EDE', '\u{2967F}'], // ⻞ → 𩙿
  ['\u2EDF', '\u98E0'], // ⻟ → 飠
  ['\u2EE0', '\u9963'], // ⻠ → 饣
  ['\u2EE1', '\u{29810}'], // ⻡ → 𩠐
  ['\u2EE2', '\u9A6C'], // ⻢ → 马
  ['\u2EE3', '\u9AA8'], // ⻣ → 骨
  ['\u2EE4', '\u9B3C'], // ⻤ → 鬼
  ['\u2EE5', '\u9C7C'], // ⻥ → 鱼
  ['\u2EE6', '\u9E1F'], // ⻦ → 鸟
  ['\u2EE7', '\u5364'], // ⻧ → 卤
  ['\u2EE8', '\u9EA6'], // ⻨ → 麦
  ['\u2EE9', '\u9EC4'], // ⻩ → 黄
  ['\u2EEA', '\u9EFE'], // ⻪ → 黾
  ['\u2EEB', '\u6589'], // ⻫ → 斉
  ['\u2EEC', '\u9F50'], // ⻬ → 齐
  ['\u2EED', '\u6B6F'], // ⻭ → 歯
  ['\u2EEE', '\u9F7F'], // ⻮ → 齿
  ['\u2EEF', '\u7ADC'], // ⻯ → 竜
  ['\u2EF0', '\u9F99'], // ⻰ → 龙
  ['\u2EF1', '\u9F9C'], // ⻱ → 龜
  ['\u2EF2', '\u4E80'], // ⻲ → 亀
  ['\u2EF3', '\u9F9F'], // ⻳ → 龟
]);
