package dev.bedside.eval.lexical;

import java.util.regex.Pattern;

/**
 * sacreBLEU's default tokenizer, {@code 13a}: the tokenization of WMT's {@code mteval-v13a.pl}. In order:
 * <ol>
 *   <li>remove {@code <skipped>} and {@code -\n}; turn {@code \n} into a space; unescape {@code &quot;},
 *       {@code &amp;}, {@code &lt;}, {@code &gt;};</li>
 *   <li>put spaces around ASCII symbols: {@code { | } ~ [ \ ] ^ _ `}, space to {@code &}, {@code ( ) * +},
 *       {@code : ; < = > ? @} and {@code /};</li>
 *   <li>split off a period or comma unless it is preceded by a digit, then unless it is followed by a digit
 *       (so {@code 3.5} and {@code 1,000} stay whole); split off a dash that follows a digit;</li>
 *   <li>collapse white space (Python's definition) to single spaces and trim.</li>
 * </ol>
 */
final class Tokenizer13a {
    private Tokenizer13a() {}

    private static final Pattern SYMBOL = Pattern.compile("([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])");
    private static final Pattern PERIOD_COMMA_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([\\.,])");
    private static final Pattern PERIOD_COMMA_BEFORE_NON_DIGIT = Pattern.compile("([\\.,])([^0-9])");
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    static String tokenize(String line) {
        line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ")
            .replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        line = " " + line + " ";
        line = SYMBOL.matcher(line).replaceAll(" $1 ");
        line = PERIOD_COMMA_AFTER_NON_DIGIT.matcher(line).replaceAll("$1 $2 ");
        line = PERIOD_COMMA_BEFORE_NON_DIGIT.matcher(line).replaceAll(" $1 $2");
        line = DASH_AFTER_DIGIT.matcher(line).replaceAll("$1 $2 ");
        return String.join(" ", PythonText.split(line));
    }
}
