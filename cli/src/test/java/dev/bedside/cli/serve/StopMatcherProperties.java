package dev.bedside.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.CharRange;
import org.junit.jupiter.api.Test;

/**
 * However the generated text is cut into pieces (tokens), the matcher releases exactly the text before the first
 * stop string, never anything past it, even while streaming: checked against indexOf on the text so far.
 */
class StopMatcherProperties {

    @Property(tries = 100)
    void releasesExactlyTheTextBeforeTheFirstStop(@ForAll @StringLength(max = 40) @CharRange(from = 'a', to = 'c') String text,
                                                  @ForAll @Size(max = 3) List<@StringLength(min = 1, max = 4) @CharRange(from = 'a', to = 'c') String> stops,
                                                  @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 5) Integer> cuts) {
        List<String> pieces = new ArrayList<>();                 // tokens' text: generation is atomic per piece
        for (int at = 0, i = 0; at < text.length(); i++) {
            int length = i < cuts.size() ? cuts.get(i) : 1;
            pieces.add(text.substring(at, Math.min(text.length(), at + length)));
            at += pieces.getLast().length();
        }
        // Reference: generation stops after the first piece whose end completes a stop string somewhere in the
        // text so far; the answer is that text cut at the earliest occurrence of any stop string.
        String expected = text;
        boolean stopsEarly = false;
        StringBuilder soFar = new StringBuilder();
        for (String piece : pieces) {
            soFar.append(piece);
            int first = -1;
            for (String s : stops) {
                int at = soFar.indexOf(s);
                if (at >= 0 && (first < 0 || at < first)) first = at;
            }
            if (first >= 0) {
                expected = soFar.substring(0, first);
                stopsEarly = true;
                break;
            }
        }

        StopMatcher matcher = new StopMatcher(stops);
        StringBuilder released = new StringBuilder();
        for (String piece : pieces) {
            String out = matcher.accept(piece);
            assertTrue(expected.startsWith(released + out), "released '" + released + out + "' beyond '" + expected + "'");
            released.append(out);
            if (matcher.stopped()) break;                         // the server stops generating here
        }
        released.append(matcher.finish());
        assertEquals(expected, released.toString());
        assertEquals(stopsEarly, matcher.stopped());
    }

    @Test
    void holdsBackOnlyWhatCouldStartAStop() {
        StopMatcher matcher = new StopMatcher(new ArrayList<>(List.of("END")));
        assertEquals("abc", matcher.accept("abcE"));
        assertEquals("", matcher.accept("N"));
        assertEquals("ENx", matcher.accept("x"));
        assertEquals("y", matcher.accept("yEND tail"));
        assertEquals("", matcher.accept("more"));
        assertEquals("", matcher.finish());
    }
}
