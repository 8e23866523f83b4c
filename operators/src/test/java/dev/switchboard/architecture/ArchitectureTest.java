package dev.switchboard.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layering of {@code operators}, stated as a test: packages follow a record's path through the job,
 * and each may use only the packages before it. A new class finds its place by asking which stage first
 * needs it; an import against the flow fails the build with the offending class and line.
 */
class ArchitectureTest {
    /** A record's path through the dialogue job, in order. */
    static final List<String> FLOW = List.of(
            "model", "bot", "normalize", "identity", "understand", "dialogue", "markup", "format", "functions");

    private static JavaClasses operators;

    @BeforeAll
    static void importClasses() {
        operators = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.switchboard");
    }

    @Test
    void everyPackageOfOperatorsHasAPlaceInTheFlow() {
        List<String> packages = operators.stream()
                .map(c -> c.getPackageName().substring("dev.switchboard.".length()).split("\\.")[0])
                .distinct().sorted().toList();
        assertThat(FLOW).containsAll(packages);
    }

    static Stream<String> stages() {
        return FLOW.stream().limit(FLOW.size() - 1);
    }

    @ParameterizedTest(name = "{0} uses no later stage")
    @MethodSource("stages")
    void noPackageUsesOneThatComesLaterInTheFlow(String stage) {
        laterStagesRule(stage).check(operators);
    }

    static ArchRule laterStagesRule(String stage) {
        int at = FLOW.indexOf(stage);
        String[] later = IntStream.range(at + 1, FLOW.size())
                .mapToObj(i -> "dev.switchboard." + FLOW.get(i) + "..").toArray(String[]::new);
        return noClasses().that().resideInAPackage("dev.switchboard." + stage + "..")
                .should().dependOnClassesThat().resideInAnyPackage(later)
                .because("packages follow a record's path (" + String.join(" → ", FLOW)
                        + ") and use only the ones before them");
    }

    @Test
    void operatorsKnowNothingOfKafka() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "org.apache.kafka..", "org.apache.flink.connector.kafka..")
                .because("operators are plain functions over records; Kafka belongs to connectors/")
                .check(operators);
    }
}
