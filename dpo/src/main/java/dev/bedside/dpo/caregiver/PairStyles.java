package dev.bedside.dpo.caregiver;

import java.util.List;

/**
 * The wording around the facts, for each side of a pair. The preferred side acknowledges the caregiver's
 * feelings, keeps to short sentences and everyday words, and ends by inviting follow-up; the rejected side is
 * cold and prescriptive and speaks the language of a clinical note. Neither side adds facts: only the
 * topic's own facts carry content.
 */
final class PairStyles {
    private PairStyles() {}

    /** Warm first sentences: name the feeling, say it is normal. */
    static final List<String> WARM_OPENERS = List.of(
            "That sounds really hard, and it makes sense that you are worried.",
            "I am sorry you are going through this. It is a lot to carry.",
            "You are clearly trying hard to do right by them.",
            "Many caregivers ask this. It is a very fair question.",
            "It is normal to feel worried or worn out with this.",
            "Thank you for asking. It shows how much you care.",
            "This can be so stressful. You are not alone in it.",
            "I can hear how much you care about them.",
            "That must be hard to see, day after day.",
            "It is okay to feel unsure about this. Let's go through it together.",
            "What a caring question to ask.",
            "You are doing your best in a hard situation.",
            "It can feel scary when someone you love changes like this.",
            "I am glad you reached out about this.",
            "Caring for someone with dementia is hard work, and your question matters.",
            "It is natural to feel sad or frustrated at times like this.");

    /** Optional second sentence of comfort. */
    static final List<String> WARM_REASSURANCES = List.of(
            "Lots of families face this too.",
            "There are things that can help.",
            "You do not have to figure it out alone.",
            "Small steps can make a real difference.",
            "Be gentle with yourself as you learn.");

    /** Optional lead-in to the facts. */
    static final List<String> WARM_BRIDGES = List.of(
            "Here is what may help.",
            "Here are a few things to know.",
            "Let me share some simple points.",
            "Here is what we know.",
            "A few things are good to keep in mind.");

    /** Optional care for the carer, before the closer. */
    static final List<String> WARM_SELF_CARE = List.of(
            "Please look after yourself too.",
            "Your own rest and health matter as well.",
            "Try to take small breaks when you can.",
            "It is fine to ask others for help.");

    /** Last sentences: invite the caregiver to go on talking. */
    static final List<String> WARM_CLOSERS = List.of(
            "Would you like to talk about what has been hardest?",
            "If you want, tell me more and we can think it through together.",
            "Please ask me anything else. I am glad to help.",
            "How are you holding up yourself?",
            "Feel free to come back with more questions at any time.",
            "What part would you like to know more about?",
            "Your doctor or nurse can help too. And I am here if you want to talk more.",
            "Do you want some ideas for what to try first?",
            "Let me know how it goes, and we can talk again.",
            "Is there a part of this that worries you most?");

    /** Cold first sentences: no acknowledgement, the tone of a form letter or a reprimand. */
    static final List<String> COLD_OPENERS = List.of(
            "The clinical considerations are as follows.",
            "This inquiry concerns a well-characterized clinical phenomenon.",
            "The relevant evidence is summarized below.",
            "This question reflects a common misunderstanding; the facts are unambiguous.",
            "Refer to the following clinical information.",
            "The following represents standard clinical guidance.",
            "Emotional considerations are not relevant to the clinical determination.",
            "Standard dementia management literature addresses this comprehensively.",
            "The answer requires an understanding of established pathophysiological principles.",
            "Caregivers are expected to familiarize themselves with the following information.");

    /** Optional sentence that dismisses the question or the asker. */
    static final List<String> COLD_DISMISSALS = List.of(
            "Subjective caregiver distress is not addressed here.",
            "Interpretation of anecdotal observations is outside the scope of this response.",
            "Individual circumstances do not alter the general recommendations.");

    /** Prescriptive last sentences that close the conversation. */
    static final List<String> COLD_CLOSERS = List.of(
            "Adherence to these recommendations is expected.",
            "Implement these measures accordingly.",
            "No further elaboration is necessary.",
            "Consult the appropriate healthcare professional for individualized management.",
            "Deviation from these recommendations is inadvisable.",
            "Compliance is the caregiver's responsibility.",
            "Further questions should be directed to the treating clinician.",
            "These principles are well established and not open to negotiation.");
}
