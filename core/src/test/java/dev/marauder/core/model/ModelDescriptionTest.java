package dev.marauder.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marauder.core.io.DataFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDescriptionTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void aYamlDescriptionSaysEverythingOnce() throws Exception {
        write("classes.txt", "cat\ndog\nbird\n");
        Path file = write("net.pt.yaml", """
                input_shape: [32, 32, 3]
                layout: nhwc
                bounds: {lower: [0, 0, 0], upper: [1, 1, 255]}
                normalization: {mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3]}
                output: probabilities
                class_names_file: classes.txt
                """);
        ModelDescription d = ModelDescription.read(file);
        assertThat(d.inputShape()).containsExactly(32, 32, 3);
        assertThat(d.layout()).isEqualTo(Layout.NHWC);
        assertThat(d.upperBounds()).containsExactly(1f, 1f, 255f);
        assertThat(d.normalization())
                .isEqualTo(new Normalization(new float[] {0.5f, 0.4f, 0.3f}, new float[] {0.2f, 0.25f, 0.3f}));
        assertThat(d.output()).isEqualTo(ModelOutput.PROBABILITIES);
        assertThat(d.classNames()).containsExactly("cat", "dog", "bird");
        InputSpec spec = d.inputSpec(new int[] {3, 32, 32});
        assertThat(spec.shape()).containsExactly(32, 32, 3);
        assertThat(spec.channelAxis()).isEqualTo(2);
        assertThat(spec.upperAt(2)).isEqualTo(255f);
        assertThat(spec.upperAt(3)).isEqualTo(1f);
    }

    @Test
    void theJsonFormIsTheSameAndDefaultsApplyToWhatIsLeftOut() throws Exception {
        Path file = write("net.onnx.json", "{\"bounds\": [-1, 1], \"class_names\": [\"no\", \"yes\"]}");
        ModelDescription d = ModelDescription.read(file);
        InputSpec spec = d.inputSpec(new int[] {5});
        assertThat(spec).isEqualTo(new InputSpec(new int[] {5}, -1, 1));
        assertThat(d.outputOrDefault()).isEqualTo(ModelOutput.LOGITS);
        assertThat(d.normalization()).isNull();
        assertThat(ModelDescription.NONE.inputSpec(new int[] {1, 28, 28}))
                .isEqualTo(new InputSpec(new int[] {1, 28, 28}, 0, 1));
    }

    @Test
    void theDescriptionBesideAModelFileIsFoundByItsName() throws Exception {
        Path model = write("net.pt", "not read here");
        assertThat(ModelDescription.besideModel(model)).isEmpty();
        Path yaml = write("net.pt.yaml", "layout: nchw\n");
        assertThat(ModelDescription.besideModel(model)).contains(yaml);
        write("net.pt.json", "{}");
        assertThatThrownBy(() -> ModelDescription.besideModel(model))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("more than one description file");
        assertThat(ModelDescription.besideModel(dir)).isEmpty();
    }

    @Test
    void mistakesAreErrorsNamingTheFile() throws Exception {
        assertThatThrownBy(() -> ModelDescription.read(write("a.yaml", "normalisation: {mean: [0], std: [1]}\n")))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("a.yaml")
                .hasMessageContaining("unknown key 'normalisation'");
        assertThatThrownBy(() -> ModelDescription.read(write("b.yaml", "bounds: [0, 1, 2]\n")))
                .hasMessageContaining("b.yaml")
                .hasMessageContaining("bounds");
        assertThatThrownBy(() -> ModelDescription.read(write("c.yaml", "normalization: {mean: [0.5], std: [0]}\n")))
                .hasMessageContaining("c.yaml")
                .hasMessageContaining("finite and positive");
        assertThatThrownBy(() -> ModelDescription.read(write("d.yaml", "layout: nwhc\n")))
                .hasMessageContaining("d.yaml")
                .hasMessageContaining("nchw or nhwc");
        assertThatThrownBy(() -> ModelDescription.read(write("e.yaml", "input_shape: [1, -28, 28]\n")))
                .hasMessageContaining("e.yaml")
                .hasMessageContaining("positive whole numbers");
        assertThatThrownBy(() -> ModelDescription.read(write("f.yaml", "- just\n- a list\n")))
                .hasMessageContaining("f.yaml")
                .hasMessageContaining("mapping");
        assertThatThrownBy(() -> ModelDescription.read(write("g.yaml", "output: [unclosed\n")))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("g.yaml");
        assertThatThrownBy(() -> ModelDescription.read(write("h.yaml", "class_names_file: missing.txt\n")))
                .hasMessageContaining("missing.txt");
        assertThatThrownBy(() -> ModelDescription.read(write("i.json", "{\"bounds\": [0, \"Infinity\"]}")))
                .hasMessageContaining("i.json");
        assertThatThrownBy(() -> ModelDescription.read(dir.resolve("absent.yaml")))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("absent.yaml");
    }

    @Test
    void classNameFilesHoldOneNamePerLine() throws Exception {
        assertThat(ModelDescription.readClassNames(write("ok.txt", "a\nb\n"))).containsExactly("a", "b");
        assertThatThrownBy(() -> ModelDescription.readClassNames(write("gap.txt", "a\n\nb\n")))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("gap.txt")
                .hasMessageContaining("line 2");
        assertThatThrownBy(() -> ModelDescription.readClassNames(write("twice.txt", "a\na\n")))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> ModelDescription.readClassNames(write("one.txt", "a\n")))
                .hasMessageContaining("at least 2");
    }

    @Test
    void combiningTakesWhatEachSaysAndRefusesWhatTheyDisagreeOn() {
        ModelDescription file = new ModelDescription(
                new int[] {3, 8, 8}, Layout.NCHW, null, null, null, ModelOutput.LOGITS, List.of("a", "b"));
        ModelDescription options =
                new ModelDescription(null, null, new float[] {0}, new float[] {255}, null, ModelOutput.LOGITS, null);
        ModelDescription both = file.combinedWith(options, "net.pt.yaml", "the command line");
        assertThat(both.inputShape()).containsExactly(3, 8, 8);
        assertThat(both.upperBounds()).containsExactly(255f);
        assertThat(both.classNames()).containsExactly("a", "b");
        ModelDescription contradicting = new ModelDescription(null, Layout.NHWC, null, null, null, null, null);
        assertThatThrownBy(() -> file.combinedWith(contradicting, "net.pt.yaml", "the command line"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layout")
                .hasMessageContaining("net.pt.yaml")
                .hasMessageContaining("the command line");
    }

    @Test
    void aModelDirectoryTakesNoFileModelOptions(@TempDir Path unused) {
        Path notADirectoryModel = dir;
        ModelDescription normalised = new ModelDescription(
                null, null, null, null, new Normalization(new float[] {0}, new float[] {1}), null, null);
        assertThatThrownBy(() -> Models.open(notADirectoryModel, normalised, new int[] {1, 28, 28}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("normalisation applies to .pt/.onnx");
    }
}
