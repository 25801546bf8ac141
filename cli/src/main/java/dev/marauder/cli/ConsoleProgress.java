package dev.marauder.cli;

import dev.marauder.core.progress.Progress;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Shows library progress as a text progress bar on stderr (me.tongfei progressbar). */
final class ConsoleProgress implements Progress {
    @Override
    public Task start(String name, long total) {
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(name)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .continuousUpdate()
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build();
        return new Task() {
            @Override
            public void advance(long units) {
                bar.stepBy(units);
            }

            @Override
            public void status(String text) {
                bar.setExtraMessage(" " + text);
            }

            @Override
            public void close() {
                bar.close();
            }
        };
    }
}
