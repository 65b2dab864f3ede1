package dev.bedside.dpo.caregiver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The caregiver knowledge corpus: one JSON object per line,
 * {@code {"id", "category", "question", "paraphrases": [...], "facts": [{"plain", "clinical"}, ...]}}.
 * The bundled one ({@link #bundled()}) was written for Bedside; nothing in it is copied from elsewhere.
 *
 * <p>Every line is checked as it is read; the first problem throws {@link CorpusException} naming the line and
 * the field (a missing question, a duplicate id, a fact without its clinical wording, an unknown category...).
 */
public final class CaregiverCorpus {
    private CaregiverCorpus() {}

    /** The caregiving areas the corpus covers, in the order the corpus file lists them. */
    public static final List<String> CATEGORIES = List.of(
            "diagnosis", "memory-loss", "communication", "sundowning", "wandering", "bathing-dressing", "nutrition",
            "medication", "sleep", "agitation", "hospital", "legal-money", "respite-stress", "end-of-life");

    static final String RESOURCE = "corpus.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final Set<String> FIELDS = Set.of("id", "category", "question", "paraphrases", "facts");

    /** The corpus bundled with Bedside ({@code dev/bedside/dpo/caregiver/corpus.jsonl} on the class path). */
    public static List<CaregiverTopic> bundled() {
        try (InputStream in = CaregiverCorpus.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new CorpusException("bundled caregiver corpus missing from the class path: " + RESOURCE);
            return read(new InputStreamReader(in, StandardCharsets.UTF_8), RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled caregiver corpus", e);
        }
    }

    /** Reads and checks a corpus; {@code source} names it in error messages. Blank lines are ignored. */
    public static List<CaregiverTopic> read(Reader reader, String source) throws IOException {
        List<CaregiverTopic> topics = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        BufferedReader lines = new BufferedReader(reader);
        String text;
        int line = 0;
        while ((text = lines.readLine()) != null) {
            line++;
            if (text.isBlank()) continue;
            CaregiverTopic topic = topic(text, source, line);
            if (!ids.add(topic.id())) throw new CorpusException(source, line, "id", "duplicate id '" + topic.id() + "'");
            topics.add(topic);
        }
        if (topics.isEmpty()) throw new CorpusException(source + ": no topics");
        return List.copyOf(topics);
    }

    private static CaregiverTopic topic(String text, String source, int line) {
        JsonNode row;
        try {
            row = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new CorpusException(source, line, "(line)", "not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (row == null || !row.isObject()) throw new CorpusException(source, line, "(line)", "not a JSON object");
        row.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) throw new CorpusException(source, line, name, "unknown field (expected " + FIELDS + ")");
        });
        String id = text(row.get("id"), "id", source, line);
        if (!ID.matcher(id).matches()) throw new CorpusException(source, line, "id", "'" + id + "' is not a lower-case slug like what-is-sundowning");
        String category = text(row.get("category"), "category", source, line);
        if (!CATEGORIES.contains(category)) throw new CorpusException(source, line, "category", "unknown category '" + category + "' (known: " + CATEGORIES + ")");
        String question = text(row.get("question"), "question", source, line);
        List<String> paraphrases = new ArrayList<>();
        JsonNode list = array(row, "paraphrases", 2, 4, source, line);
        for (int i = 0; i < list.size(); i++) {
            String field = "paraphrases[" + i + "]";
            String paraphrase = text(list.get(i), field, source, line);
            if (paraphrase.equals(question) || paraphrases.contains(paraphrase)) throw new CorpusException(source, line, field, "repeats another wording of the question");
            paraphrases.add(paraphrase);
        }
        List<Fact> facts = new ArrayList<>();
        list = array(row, "facts", 3, 5, source, line);
        for (int i = 0; i < list.size(); i++) {
            JsonNode fact = list.get(i);
            if (!fact.isObject()) throw new CorpusException(source, line, "facts[" + i + "]", "must be an object {plain, clinical}");
            facts.add(new Fact(sentence(fact, "facts[" + i + "].plain", "plain", source, line),
                    sentence(fact, "facts[" + i + "].clinical", "clinical", source, line)));
        }
        return new CaregiverTopic(id, category, question, paraphrases, facts);
    }

    private static JsonNode array(JsonNode row, String field, int min, int max, String source, int line) {
        JsonNode list = row.get(field);
        if (list == null || !list.isArray()) throw new CorpusException(source, line, field, "missing or not a list");
        if (list.size() < min || list.size() > max) throw new CorpusException(source, line, field, "has " + list.size() + " entries, expected " + min + " to " + max);
        return list;
    }

    /** A fact's wording: non-empty text ending like a sentence, since the pair generator joins facts as sentences. */
    private static String sentence(JsonNode fact, String field, String key, String source, int line) {
        String value = text(fact.get(key), field, source, line);
        char last = value.charAt(value.length() - 1);
        if (last != '.' && last != '!' && last != '?') throw new CorpusException(source, line, field, "must end with . ! or ?");
        return value;
    }

    private static String text(JsonNode value, String field, String source, int line) {
        if (value == null || value.isNull()) throw new CorpusException(source, line, field, "missing");
        if (!value.isTextual()) throw new CorpusException(source, line, field, "must be a string");
        String text = value.asText();
        if (text.isBlank()) throw new CorpusException(source, line, field, "empty");
        if (!text.equals(text.strip())) throw new CorpusException(source, line, field, "has leading or trailing spaces");
        return text;
    }
}
