package dev.bedside.eval.empathy;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The cue lists behind {@link EmpathyHeuristic}, written by hand from general knowledge of supportive and of
 * clinical or condescending writing (not learnt from any data set). Each entry is a regular expression matched
 * against the lower-cased text with straight apostrophes, starting where a word starts.
 */
final class EmpathyLexicon {
    private EmpathyLexicon() {}

    /** Naming or recognising the person's feelings or situation. */
    static final List<String> ACKNOWLEDGEMENT = List.of(
        "i'?m (so |very |really |truly )?sorry", "i am (so |very |really |truly )?sorry",
        "i (can )?(understand|imagine|see|hear)", "i know (this|that|it)",
        "(that|this|it) (must|can|may) (be|feel)", "(it )?sounds like",
        "you'?re (feeling|worried|concerned|scared|afraid|overwhelmed|frustrated|exhausted)",
        "you (feel|might feel|may feel|are feeling)", "your (concern|worry|worries|feelings|fear|fears)",
        "(hard|difficult|tough|overwhelming|frightening|scary|stressful|painful|heartbreaking|exhausting|"
            + "upsetting|confusing|worrying) (time|situation|thing|experience|journey|topic|question)",
        "(so|very|really|incredibly) (hard|difficult|tough|overwhelming|stressful|painful)");

    /** Telling the person their reaction or question is reasonable, and that they are not alone. */
    static final List<String> VALIDATION = List.of(
        "(it'?s|it is|that'?s|that is) (completely |perfectly |totally |very |quite )?"
            + "(normal|natural|okay|ok|understandable|common|valid|reasonable) (to|that|for)",
        "(it'?s|it is|that'?s|that is) (completely |perfectly |totally )?(okay|ok|understandable)\\b",
        "you'?re not alone", "you are not alone", "many (people|caregivers|families|others) (feel|find|experience|worry)",
        "(great|good|important|thoughtful|valid) question", "thank you for (asking|sharing|reaching)",
        "you'?re doing (a )?(great|good|wonderful|your best)", "you are doing (a )?(great|good|wonderful|your best)",
        "it'?s (great|good|wonderful) that you", "(caring|loving|kind) (of|for) you");

    /** Offering help and support to the reader. */
    static final List<String> SUPPORT = List.of(
        "(i'?m|i am|we'?re|we are) here (to help|for you)", "help(ing)? you", "support (you|for you)",
        "you (can|could|might|may) (try|want|consider|find|ask|start)", "together", "take care of yourself",
        "(your|their) (comfort|well-?being|safety)", "gently", "with (patience|compassion|kindness)");

    /** Inviting the person to come back, ask more, or get help. */
    static final List<String> FOLLOW_UP = List.of(
        "feel free to", "don'?t hesitate to", "let me know", "reach out", "(any|more|other|further) questions",
        "(talk|speak) (to|with) (your|a|their) (doctor|healthcare|health care|care team|provider|nurse|gp|physician)",
        "(support group|helpline|hotline|alzheimer'?s association)", "i'?m happy to", "i'?d be happy to",
        "if you('?d)? (like|want|need)");

    /** Orders and pressure: the reader is told, not helped. */
    static final List<String> PRESCRIPTIVE = List.of(
        "you must", "(it is|it'?s) imperative", "(it is|it'?s) (essential|crucial|mandatory|vital) (that|to)",
        "(should |must )?immediately", "(patients|caregivers|families|they|one) must", "you (need|have) to", "you are required", "under no circumstances",
        "never (ever )?(do|let|give|allow)", "failure to", "do as", "non-?negotiable");

    /** Dismissive, condescending or cold phrasing. */
    static final List<String> COLD = List.of(
        "obviously", "clearly,? you", "as (anyone|everyone) (knows|should know)", "(how|what a) naive",
        "simply put", "you should (already )?know", "(it'?s|this is) (not|hardly) rocket science", "frankly",
        "(let|allow) me (to )?(educate|explain this to) you", "(don'?t|do not) bother", "(i|we) suppose",
        "just google", "basic (stuff|knowledge|fact)", "(you )?people like you",
        "(it|this) is not (my|our) (job|problem)", "stop (worrying|complaining|asking)", "get over it",
        "deal with it", "(are you|you'?re) (serious|kidding)", "pathetic", "ridiculous", "stupid", "lazy", "silly");

    /**
     * Clinical terms a lay reader may not know, matched as word beginnings ({@code neurodegenerat} matches
     * neurodegenerative and neurodegeneration; the whole word is reported).
     */
    static final List<String> JARGON = List.of(
        "neurodegenerat", "pathophysiolog", "pathogenes", "patholog", "etiolog", "aetiolog", "amyloid", "tau protein",
        "neurofibrillary", "tauopath", "cholinesterase", "acetylcholin", "anticholinergic", "neurotransmitter",
        "neuronal", "neuron", "synap", "hippocamp", "cortical", "cortex", "cerebral", "cerebrovascular", "atroph",
        "comorbid", "idiopathic", "prognos", "sequela", "contraindicat", "pharmacolog", "pharmacokinet",
        "pharmacotherap", "antipsychotic", "benzodiazepine", "anxiolytic", "nmda", "glutamat", "donepezil",
        "rivastigmine", "galantamine", "memantine", "lecanemab", "aducanumab", "monoclonal", "biomarker",
        "cerebrospinal", "pet imaging", "mri", "neuropsychiatric", "neurocognitive", "cognitive impairment",
        "executive dysfunction", "aphasia", "apraxia", "agnosia", "anosognosia", "dysphagia", "incontinence",
        "polypharmacy", "multifactorial", "heterogene", "etiopathogen", "pathognomonic", "differential diagnos",
        "sundowning", "psychomotor", "extrapyramidal", "apolipoprotein", "apoe", "genotyp", "phenotyp",
        "vascular dementia", "lewy bod", "frontotemporal", "sensorimotor");

    /** A phrase that must end at a word end; it is tried only where a word starts. */
    static Pattern phrase(String regex) {
        return Pattern.compile(regex + "(?![a-z'])");
    }

    /** A term given by its beginning; the match runs to the end of the word. */
    static Pattern wordStart(String prefix) {
        return Pattern.compile(prefix + "[a-z]*");
    }
}
