package dev.bedside.dpo.pairs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {
    @Test
    void quotedFieldsHoldCommasLineBreaksAndQuotes() {
        String text = "a,b,c\r\n1,\"x, y\",\"line one\nline two\"\n2,\"she said \"\"hi\"\"\",\n";
        assertEquals(List.of(List.of("a", "b", "c"), List.of("1", "x, y", "line one\nline two"), List.of("2", "she said \"hi\"", "")),
                Csv.parse(text, "t.csv"));
        assertEquals(List.of(List.of("a", "b")), Csv.parse("a,b", "t.csv"));
    }

    @Test
    void anUnclosedQuoteNamesItsLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Csv.parse("a\n\"open\n", "t.csv"));
        assertEquals("t.csv line 2: quoted field never closed", e.getMessage());
    }
}
