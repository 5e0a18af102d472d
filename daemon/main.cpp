// STUB main; replaced by the CLI.
#include <cstdio>
int main() {
    std::puts("evidenced " EVIDENCED_VERSION);
    return 0;
}
