package dev.marauder.report;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class HtmlEscapeTest {

    @Test
    void escapesTheFiveSpecialCharacters() {
        assertThat(Html.escape("<a href=\"x\">O'Brien & co</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot;&gt;O&#39;Brien &amp; co&lt;/a&gt;");
        assertThat(Html.escape("plain text")).isEqualTo("plain text");
        assertThat(Html.escape("")).isEmpty();
    }

    @Property
    void escapedTextHasNoMarkupAndUnescapesToTheOriginal(@ForAll String text) {
        String escaped = Html.escape(text);

        assertThat(escaped).doesNotContain("<", ">", "\"", "'");
        assertThat(escaped.replaceAll("&(?!amp;|lt;|gt;|quot;|#39;)", "")).isEqualTo(escaped);
        String unescaped = escaped.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
        assertThat(unescaped).isEqualTo(text);
    }
}
